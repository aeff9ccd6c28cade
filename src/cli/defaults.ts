// The command line's defaults: with no input named (and a terminal on stdin), run on the shipped sample and
// write next to it, the default job; the printed table's length.

export const DEFAULT_INPUT = './data/sample.log';
export const DEFAULT_OUTPUT = './data/output.csv';
export const DEFAULT_TOP = 20;
