"""A numpy function applied to a Spark DataFrame's columns, Arrow batch by Arrow batch on the
executors (a scalar Arrow UDF, which unlike mapInArrow needs no pandas): how a distributed step
computes a column with its Arrow body's own function instead of restating it in Spark's
expressions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_NUMPY_TYPES = {"double": np.float64, "smallint": np.int16, "int": np.int32, "bigint": np.int64}


def with_column(
    frame: DataFrame,
    name: str,
    spark_type: str,
    function: Callable[..., np.ndarray],
    *columns: str,
) -> DataFrame:
    """``frame`` with a column ``name`` of ``spark_type`` (a key of _NUMPY_TYPES, as Spark's
    DDL writes it) that is ``function`` of the numpy arrays of ``columns``, element by element:
    each row's value is the one the same function gives over whole arrays. The columns must
    hold no NULL."""
    from pyspark.sql.functions import arrow_udf

    arrow_type = pa.from_numpy_dtype(_NUMPY_TYPES[spark_type])

    def apply(*arrays: pa.Array) -> pa.Array:  # the hints make it a scalar Arrow UDF
        values = function(*(a.to_numpy(zero_copy_only=False) for a in arrays))
        return pa.array(values, arrow_type)

    udf = arrow_udf(apply, spark_type)
    return frame.withColumn(name, udf(*columns))
