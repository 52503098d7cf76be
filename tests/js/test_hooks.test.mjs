// Unit tests of the viewer port (web/js/session/viewer_port.js) and the test hooks built on it
// (web/js/testing/hooks.js): what the e2e tests read through window.visitViewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as port from '../../web/js/session/viewer_port.js';
import { createViewerHooks } from '../../web/js/testing/hooks.js';
import { Limits } from '../../web/js/protocol.js';

function fakeViewer() {
  const v = {
    state: 'live',
    access: { mode: 'full_access', controller: { id: 'alice', name: 'Alice' }, reason: 'granted' },
    probes: [],
    requests: [],
    requestControl: () => true,
    setProbe: (p) => v.probes.push(p),
    request: (op, extra = {}) => {
      v.requests.push([op, extra]);
      return Promise.resolve(op);
    },
  };
  return v;
}

test('hooks: harmless without an open session', async () => {
  const hooks = createViewerHooks(port);
  assert.equal(hooks.state(), 'none');
  assert.deepEqual(hooks.access(), { mode: 'read_only', controller: null, reason: '' });
  assert.equal(hooks.requestControl(), false);
  assert.deepEqual(await hooks.stats(), { frames: 0, lastSequence: 0, width: 0, height: 0 });
  assert.deepEqual(await hooks.probeLog(), []);
  const sent = await hooks.inputSent();
  assert.equal(sent.control_request, 0);
  assert.equal(Object.keys(sent).length, 9);
  await assert.rejects(hooks.snapshot(), /no session open/);
});

test('hooks: read the open viewer; access is a copy', async () => {
  const hooks = createViewerHooks(port);
  const v = fakeViewer();
  port.setActiveViewer(v);
  try {
    assert.equal(hooks.state(), 'live');
    const a = hooks.access();
    a.controller.id = 'mallory';
    assert.equal(v.access.controller.id, 'alice');
    assert.equal(hooks.requestControl(), true);
    assert.equal(await hooks.snapshot({ raw: 1 }), 'snapshot');
    assert.equal(await hooks.stats(), 'stats');
    assert.equal(await hooks.inputSent(), 'inputSent');
    assert.deepEqual(v.requests[0], ['snapshot', { raw: true }]);
  } finally {
    port.releaseViewer(v);
  }
  assert.equal(port.activeViewer(), null);
});

test('viewer port: a newer viewer is not released by an older one', () => {
  const a = fakeViewer();
  const b = fakeViewer();
  port.setActiveViewer(a);
  port.setActiveViewer(b);
  port.releaseViewer(a);
  assert.equal(port.activeViewer(), b);
  port.releaseViewer(b);
  assert.equal(port.activeViewer(), null);
});

test('probe: checked against the protocol screen limit, kept for later viewers, passed to the open one', () => {
  const hooks = createViewerHooks(port);
  const max = Limits.maxScreenDimension;
  assert.deepEqual(port.checkProbe(0, max - 1), { x: 0, y: max - 1 });
  assert.equal(port.checkProbe(null), null);
  assert.equal(port.checkProbe(undefined), null);
  for (const [x, y] of [
    [max, 0],
    [0, max],
    [-1, 0],
    [1.5, 2],
    ['1', 2],
  ]) {
    assert.throws(() => port.checkProbe(x, y), RangeError);
  }
  const v = fakeViewer();
  port.setActiveViewer(v);
  hooks.setProbe(1200, 700);
  assert.deepEqual(port.probePoint(), { x: 1200, y: 700 });
  assert.deepEqual(v.probes, [{ x: 1200, y: 700 }]);
  hooks.setProbe();
  assert.equal(port.probePoint(), null);
  assert.deepEqual(v.probes.at(-1), null);
  port.releaseViewer(v);
  port.adoptRouteProbe({ x: 3, y: 4 });
  port.adoptRouteProbe(null);
  assert.deepEqual(port.probePoint(), { x: 3, y: 4 }, 'a route without a probe keeps the one set');
  port.setProbePoint(null);
});
