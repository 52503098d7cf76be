// The control bar's behaviour: the Keys menu (special keys, Paste text…), the text dialog
// (paste, or the clipboard text when the browser would not give it), Send clipboard and the
// customer's clipboard panel. The decisions (may we, how much, what to say) are the
// SessionModel's; this is the DOM around them.
import { setText } from '../shell/dom.js';
import { utf8Length } from './input_model.js';

/**
 * Wires the controls of `d` (session_dom.js) to `model`.
 *   relayout()     lays the screen out again (the clipboard panel takes room)
 *   focusScreen()  gives the keyboard back to the screen after a menu choice
 * Returns {closeMenu(), closeDialog(), setClipStatus(text, bad), showClipboard(text), destroy()}.
 */
export function wireControls(d, model, { relayout, focusScreen }) {
  function openMenu() {
    d.keysMenu.hidden = false;
    d.keysBtn.setAttribute('aria-expanded', 'true');
    const first = d.keysMenu.querySelector('.menu-item');
    if (first) first.focus();
  }

  function closeMenu() {
    if (d.keysMenu.hidden) return;
    d.keysMenu.hidden = true;
    d.keysBtn.setAttribute('aria-expanded', 'false');
  }

  function updateDialogCount() {
    const c = model.dialogCount(d.dlgArea.value);
    setText(d.dlgCount, c.text);
    d.dlgCount.classList.toggle('over', c.over);
    d.dlgSend.disabled = c.sendDisabled;
  }

  function openTextDialog(kind, text = '') {
    const texts = model.openDialog(kind);
    if (!texts) return;
    closeMenu();
    setText(d.dlgTitle, texts.title);
    setText(d.dlgHint, texts.hint);
    d.dlgArea.value = text;
    updateDialogCount();
    if (!d.dialog.open) d.dialog.showModal();
    d.dlgArea.focus();
  }

  function closeDialog() {
    if (d.dialog.open) d.dialog.close();
  }

  function setClipStatus(text, bad = false) {
    setText(d.clipStatus, text);
    d.clipStatus.classList.toggle('bad', bad);
  }

  async function sendClipboard() {
    if (!model.inControl()) return;
    let text = null;
    try {
      if (navigator.clipboard && navigator.clipboard.readText) text = await navigator.clipboard.readText();
    } catch {
      text = null; // permission refused or not offered: ask for the text instead
    }
    if (text === null) {
      openTextDialog('clipboard');
      return;
    }
    model.sendClipboardText(text);
  }

  function showClipboard(text) {
    setText(d.clipText, text);
    setText(d.clipMeta, `${utf8Length(text)} bytes · ${new Date().toLocaleTimeString()}`);
    d.clipPanel.hidden = false;
    setText(d.clipCopy, 'Copy');
    requestAnimationFrame(relayout);
  }

  async function copyClipboard() {
    const text = d.clipText.textContent;
    try {
      await navigator.clipboard.writeText(text);
      setText(d.clipCopy, 'Copied');
    } catch {
      // No clipboard permission: select the text so Ctrl-C works.
      const range = document.createRange();
      range.selectNodeContents(d.clipText);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      setText(d.clipCopy, 'Press Ctrl-C');
    }
  }

  function onMenuKey(e) {
    const items = [...d.keysMenu.querySelectorAll('.menu-item')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      closeMenu();
      d.keysBtn.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next].focus();
    }
  }

  d.requestBtn.addEventListener('click', () => model.requestControl());
  d.keysBtn.addEventListener('click', () => (d.keysMenu.hidden ? openMenu() : closeMenu()));
  d.keysMenu.addEventListener('click', (e) => {
    const item = e.target.closest('.menu-item');
    if (!item) return;
    if (item === d.pasteItem) {
      openTextDialog('paste');
      return;
    }
    closeMenu();
    model.sendSpecial(item.dataset.special);
    focusScreen();
  });
  d.keysMenu.addEventListener('keydown', onMenuKey);
  const onDocPointer = (e) => {
    if (!d.keysWrap.contains(e.target)) closeMenu();
  };
  document.addEventListener('pointerdown', onDocPointer);
  d.dlgArea.addEventListener('input', updateDialogCount);
  d.dlgForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (model.submitDialog(d.dlgArea.value)) d.dialog.close();
  });
  d.dlgCancel.addEventListener('click', () => d.dialog.close());
  d.sendClipBtn.addEventListener('click', () => sendClipboard());
  d.clipCopy.addEventListener('click', () => copyClipboard());
  d.clipClose.addEventListener('click', () => {
    d.clipPanel.hidden = true;
    setText(d.clipText, '');
    requestAnimationFrame(relayout);
  });

  return {
    closeMenu,
    closeDialog,
    setClipStatus,
    showClipboard,
    destroy() {
      document.removeEventListener('pointerdown', onDocPointer);
    },
  };
}
