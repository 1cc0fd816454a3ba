import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHl7 } from '@conduit/hl7v2';
import { listUnmapped } from './mapping-report.ts';
import { SegmentReader } from './segment-reader.ts';

test('the report counts every present leaf the readers did not use, by field/component/subcomponent path', () => {
  const message = parseHl7('MSH|^~\\&|APP|FAC|||20261122||ADT^A01|1|P|2.5\rPID|1||A^^^H&1.2&ISO^MR~B^^^H^MR||X^Y|""\rZZ1|a~b~c\r');
  const pid = new SegmentReader(message.segments[1]!, 1);
  pid.get(3, 1, 1);
  pid.get(3, 1, 4, 1);
  pid.get(3, 2, 1);
  pid.get(5, 1, 1);
  pid.get(5, 1, 2);
  pid.get(1);
  const msh = new SegmentReader(message.segments[0]!, 0);
  for (const f of [3, 4, 7, 10, 11, 12]) msh.get(f);
  msh.get(9, 1, 1);
  msh.get(9, 1, 2);
  const readers = new Map([[0, msh], [1, pid]]);
  assert.deepEqual(listUnmapped(message, readers), [
    { path: 'PID-3.4.2', count: 1 },
    { path: 'PID-3.4.3', count: 1 },
    { path: 'PID-3.5', count: 2 },
    { path: 'PID-3.4', count: 1 },
    { path: 'ZZ1-1', count: 3 },
  ]);
  pid.drop(5, 1, 2);
  assert.ok(listUnmapped(message, readers).some((u) => u.path === 'PID-5.2'), 'a dropped value is reported again');
});
