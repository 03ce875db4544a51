// What every view of the Link Explorer draws with: an element built with attributes and text
// (never markup, so nothing from the index runs), and numbers and Spam Scores as shown.

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function number(n) {
  return Number(n).toLocaleString("en-US");
}

// A Spam Score as a percentage; "—" for -1 (not enough crawled to judge).
export function spam(score) {
  return score < 0 ? "—" : `${score}%`;
}
