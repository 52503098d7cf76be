// A very small DOM for unit tests of the console's renderers under Node: elements, text nodes,
// attributes, dataset, listeners. Setting innerHTML/outerHTML throws, so a renderer that tried
// to parse markup fails its test. install() puts `document` and `Node` on globalThis.

export class FakeNode {
  constructor() {
    this.childNodes = [];
    this.parentNode = null;
  }
  get firstChild() {
    return this.childNodes[0] || null;
  }
  get lastChild() {
    return this.childNodes[this.childNodes.length - 1] || null;
  }
  get nextSibling() {
    if (!this.parentNode) return null;
    const s = this.parentNode.childNodes;
    return s[s.indexOf(this) + 1] || null;
  }
  appendChild(n) {
    return this.insertBefore(n, null);
  }
  append(...nodes) {
    for (const n of nodes) this.appendChild(typeof n === 'string' ? new FakeText(n) : n);
  }
  insertBefore(n, ref) {
    if (n.parentNode) n.parentNode.removeChild(n);
    const i = ref ? this.childNodes.indexOf(ref) : -1;
    if (i < 0) this.childNodes.push(n);
    else this.childNodes.splice(i, 0, n);
    n.parentNode = this;
    return n;
  }
  removeChild(n) {
    const i = this.childNodes.indexOf(n);
    if (i >= 0) this.childNodes.splice(i, 1);
    n.parentNode = null;
    return n;
  }
  remove() {
    if (this.parentNode) this.parentNode.removeChild(this);
  }
  contains(n) {
    for (let x = n; x; x = x.parentNode) if (x === this) return true;
    return false;
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(t) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    if (t !== '') this.appendChild(new FakeText(String(t)));
  }
}

export class FakeText extends FakeNode {
  constructor(data) {
    super();
    this.data = data;
    this.nodeType = 3;
  }
  get textContent() {
    return this.data;
  }
  set textContent(t) {
    this.data = String(t);
  }
}

export class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.nodeType = 1;
    this.attributes = new Map();
    this.dataset = {};
    this.listeners = new Map();
    this.hidden = false;
    this.className = '';
    this.value = '';
    this.disabled = false;
    const self = this;
    this.classList = {
      contains: (c) => self.className.split(/\s+/).includes(c),
      add: (c) => {
        if (!self.classList.contains(c)) self.className = `${self.className} ${c}`.trim();
      },
      remove: (c) => {
        self.className = self.className
          .split(/\s+/)
          .filter((x) => x && x !== c)
          .join(' ');
      },
      toggle: (c, on) => {
        if (on ?? !self.classList.contains(c)) self.classList.add(c);
        else self.classList.remove(c);
      },
    };
  }
  get children() {
    return this.childNodes.filter((c) => c instanceof FakeElement);
  }
  get options() {
    return this.children.filter((c) => c.tagName === 'OPTION');
  }
  setAttribute(k, v) {
    this.attributes.set(k, String(v));
    if (k === 'value') this.value = String(v);
  }
  getAttribute(k) {
    return this.attributes.has(k) ? this.attributes.get(k) : null;
  }
  removeAttribute(k) {
    this.attributes.delete(k);
  }
  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }
  dispatch(type, extra = {}) {
    const ev = { type, target: this, preventDefault() {}, stopPropagation() {}, ...extra };
    for (const fn of this.listeners.get(type) || []) fn(ev);
  }
  focus() {}
  closest() {
    return null;
  }
  set innerHTML(_) {
    throw new Error('innerHTML used');
  }
  get innerHTML() {
    throw new Error('innerHTML read');
  }
  set outerHTML(_) {
    throw new Error('outerHTML used');
  }
  insertAdjacentHTML() {
    throw new Error('insertAdjacentHTML used');
  }
  querySelector(sel) {
    return this.querySelectorAll(sel)[0] || null;
  }
  // Only "tag", "#id" and "[data-x=\"v\"]" selectors: enough for the tests.
  querySelectorAll(sel) {
    const out = [];
    const match = (e) => {
      if (sel.startsWith('#')) return e.attributes.get('id') === sel.slice(1);
      const m = /^\[data-([a-z-]+)="([^"]*)"\]$/.exec(sel);
      if (m) {
        const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        return e.dataset[key] === m[2];
      }
      return e.tagName === sel.toUpperCase();
    };
    const walk = (n) => {
      for (const c of n.children) {
        if (match(c)) out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
}

/** Every element in the tree under `root` (root included). */
export function allElements(root) {
  const out = [root];
  for (const c of root.children) out.push(...allElements(c));
  return out;
}

export function install() {
  globalThis.Node = FakeNode;
  globalThis.document = {
    createElement: (tag) => new FakeElement(tag),
    createTextNode: (t) => new FakeText(String(t)),
    body: new FakeElement('body'),
  };
  globalThis.window = globalThis.window || { getSelection: () => null };
}
