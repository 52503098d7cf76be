// Unit tests of the input translator (web/js/session/input_translator.js) under Node: mapped
// positions in, protocol events out, with a manual animation-frame scheduler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputTranslator } from '../../web/js/session/input_translator.js';
import { DOM_DELTA_LINE } from '../../web/js/session/input_model.js';

function setup() {
  const sent = [];
  const frames = new Map();
  let next = 1;
  const t = new InputTranslator({
    send: (events) => sent.push(events),
    raf: (fn) => {
      frames.set(next, fn);
      return next++;
    },
    cancelRaf: (h) => frames.delete(h),
  });
  const frame = () => {
    const due = [...frames.values()];
    frames.clear();
    for (const fn of due) fn();
  };
  return { t, sent, frames, frame };
}

test('translator: disabled, nothing is sent', () => {
  const { t, sent, frames } = setup();
  t.pointerMove({ x: 1, y: 1 });
  assert.equal(t.pointerDown({ x: 1, y: 1 }, 0), false);
  t.pointerUp({ x: 1, y: 1 }, 0);
  t.wheelAt({ x: 1, y: 1 }, 0, 100, 0);
  t.keyDown('KeyA');
  t.keyUp('KeyA');
  t.blur();
  t.releaseHeld();
  assert.deepEqual(sent, []);
  assert.equal(frames.size, 0);
});

test('translator: moves go out once per frame, newest only, never twice the same', () => {
  const { t, sent, frames, frame } = setup();
  assert.equal(t.setEnabled(true), true);
  assert.equal(t.setEnabled(true), false);
  t.pointerMove({ x: 1, y: 1 });
  t.pointerMove({ x: 5, y: 6 });
  t.pointerMove(null);
  assert.equal(frames.size, 1);
  frame();
  assert.deepEqual(sent, [[{ kind: 'pointer_move', x: 5, y: 6 }]]);
  t.pointerMove({ x: 5, y: 6 });
  frame();
  assert.equal(sent.length, 1, 'same position: not sent again');
});

test('translator: a click flushes the move first; buttons map to X numbers; pointer-up falls back to the last position', () => {
  const { t, sent, frames } = setup();
  t.setEnabled(true);
  t.pointerMove({ x: 3, y: 4 });
  assert.equal(t.pointerDown({ x: 10, y: 20 }, 2), true);
  assert.equal(frames.size, 0, 'the pending frame was cancelled');
  assert.deepEqual(sent, [[{ kind: 'pointer_move', x: 3, y: 4 }], [{ kind: 'button', button: 3, pressed: true, x: 10, y: 20 }]]);
  assert.equal(t.pointerDown({ x: 10, y: 20 }, 2), true, 'still ours (captured), but not sent twice');
  assert.equal(sent.length, 2);
  t.pointerUp(null, 2);
  assert.deepEqual(sent.at(-1), [{ kind: 'button', button: 3, pressed: false, x: 10, y: 20 }]);
  t.pointerUp({ x: 0, y: 0 }, 2);
  assert.equal(sent.length, 3, 'a release of nothing held is not sent');
  assert.equal(t.pointerDown(null, 0), false, 'outside the screen');
  assert.equal(t.pointerDown({ x: 1, y: 1 }, 7), false, 'no X button for it');
});

test('translator: wheel notches, keys, auto-repeat and unknown keys', () => {
  const { t, sent } = setup();
  t.setEnabled(true);
  t.wheelAt({ x: 2, y: 2 }, 0, 50, 0);
  assert.deepEqual(sent, [[{ kind: 'pointer_move', x: 2, y: 2 }]], 'half a notch: only the move');
  t.wheelAt({ x: 2, y: 2 }, 0, 50, 0);
  assert.deepEqual(sent.at(-1), [{ kind: 'wheel', dx: 0, dy: 1 }]);
  t.wheelAt(null, 0, -6, DOM_DELTA_LINE);
  assert.deepEqual(sent.at(-1), [{ kind: 'wheel', dx: 0, dy: -2 }]);
  const before = sent.length;
  t.keyDown('KeyA');
  t.keyDown('KeyA');
  t.keyDown('NotAKey');
  t.keyUp('NotAKey');
  t.keyUp('KeyA');
  assert.deepEqual(sent.slice(before), [[{ kind: 'key', code: 'KeyA', pressed: true }], [{ kind: 'key', code: 'KeyA', pressed: false }]]);
});

test('translator: blur and releaseHeld let go of everything, newest first; disabling forgets silently', () => {
  const { t, sent } = setup();
  t.setEnabled(true);
  t.keyDown('ShiftLeft');
  t.keyDown('KeyA');
  t.pointerDown({ x: 7, y: 8 }, 0);
  sent.length = 0;
  t.blur();
  assert.deepEqual(sent, [
    [
      { kind: 'button', button: 1, pressed: false, x: 7, y: 8 },
      { kind: 'key', code: 'KeyA', pressed: false },
      { kind: 'key', code: 'ShiftLeft', pressed: false },
    ],
  ]);
  t.blur();
  assert.equal(sent.length, 1, 'nothing held any more');
  t.keyDown('ControlLeft');
  t.releaseHeld();
  assert.deepEqual(sent.at(-1), [{ kind: 'key', code: 'ControlLeft', pressed: false }]);
  t.keyDown('AltLeft');
  const n = sent.length;
  t.setEnabled(false);
  t.setEnabled(true);
  t.releaseHeld();
  assert.equal(sent.length, n, 'control ended: the customer releases, we send nothing');
});
