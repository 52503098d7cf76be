// Tiny DOM builder. Text always goes in as text nodes / textContent, never as markup;
// inline event-handler and style attributes are refused (the CSP forbids them anyway).

/**
 * el('button', {className: 'btn', type: 'button', text: 'Open', dataset: {x: '1'},
 *               attrs: {'aria-label': '...'}, on: {click: fn}}, ...children)
 * Children may be nodes, strings (become text nodes), or null/false (skipped).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    switch (key) {
      case 'className':
        node.className = value;
        break;
      case 'text':
        node.textContent = String(value);
        break;
      case 'dataset':
        for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
        break;
      case 'attrs':
        for (const [k, v] of Object.entries(value)) setAttr(node, k, v);
        break;
      case 'on':
        for (const [k, v] of Object.entries(value)) node.addEventListener(k, v);
        break;
      default:
        setAttr(node, key, value);
    }
  }
  for (const child of children) append(node, child);
  return node;
}

function setAttr(node, name, value) {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || lower === 'style' || lower === 'srcdoc') {
    throw new Error(`refusing attribute ${name}`);
  }
  if (value === false) return;
  node.setAttribute(name, value === true ? '' : String(value));
}

function append(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(node, c);
  } else if (child instanceof Node) {
    node.appendChild(child);
  } else {
    node.appendChild(document.createTextNode(String(child)));
  }
}

/** Sets text only when it changed (keeps selections and screen readers calm). */
export function setText(node, text) {
  const t = String(text);
  if (node.textContent !== t) node.textContent = t;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
