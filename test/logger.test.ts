/** The log format: pretty on a terminal's stderr, one JSON object per line otherwise. */
import { expect } from 'chai';
import { prettyLine, prettyLogs } from '../core/logging/logger.js';

describe('logger format', () => {
  it('is pretty only on stderr when it is a TTY; JSON on a pipe or file, and on stdout (--metrics json)', () => {
    expect(prettyLogs(2, () => true)).to.equal(true);
    expect(prettyLogs(2, () => false)).to.equal(false);
    expect(prettyLogs(1, () => true)).to.equal(false);
    expect(prettyLogs(1, () => false)).to.equal(false);
  });

  it('prints time, level, thread and message, then the fields as key=value', () => {
    const json = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 12, 0, 1, 250), pid: 7, name: 'bot4', msg: 'feed disconnected', code: 1006, url: 'ws://x', sub: { a: 1 } });
    expect(prettyLine(json)).to.equal('12:00:01.250 \x1b[33mWARN \x1b[0m bot4: feed disconnected code=1006 url=ws://x sub={"a":1}\n');
    expect(prettyLine('not json\n')).to.equal('not json\n');
  });
});
