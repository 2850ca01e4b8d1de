import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextState, transitions } from '../../core/supervisor/states.js';

test('the table leads through the supervisord-like life of a process', () => {
  assert.equal(nextState('api', 'stopped', 'start'), 'starting');
  assert.equal(nextState('api', 'starting', 'up'), 'running');
  assert.equal(nextState('api', 'running', 'exit'), 'exited');
  assert.equal(nextState('api', 'exited', 'restart'), 'backoff');
  assert.equal(nextState('api', 'backoff', 'retry'), 'starting');
  assert.equal(nextState('api', 'exited', 'budgetSpent'), 'fatal');
  assert.equal(nextState('api', 'running', 'stop'), 'stopping');
  assert.equal(nextState('api', 'stopping', 'exit'), 'stopped');
});

test('an input the table does not allow is a bug naming the process, state and input', () => {
  assert.throws(() => nextState('api', 'stopped', 'up'), /process api in state stopped got input up/);
});

test('every state can be stopped or is already down', () => {
  for (const [state, inputs] of Object.entries(transitions)) {
    assert.ok('stop' in inputs || state === 'stopped' || state === 'stopping', state);
  }
});
