export { createOrderRecords } from './records';
export { InvalidCursorError } from './cursor';
export type * from './types';
