// `--include-ip` / `--exclude-ip` at scan time: whether a matching line's client is in the blocks (parsed and
// checked in options/address-blocks.ts). The client's address is read straight from the line's bytes.

import { blockHolds, parseAddress, type AddressBlock } from '../options/address-blocks.js';

/** Which clients count: in one of the `include` blocks (when any are given), and in none of `exclude`. */
export class ClientFilter {
  private readonly address = new Uint32Array(4);

  constructor(
    private readonly include: readonly AddressBlock[],
    private readonly exclude: readonly AddressBlock[],
  ) {}

  admits(buf: Uint8Array, start: number, end: number): boolean {
    const isAddress = parseAddress(buf, start, end, this.address);
    if (this.include.length > 0 && !(isAddress && this.include.some((b) => blockHolds(b, this.address)))) return false;
    return !(isAddress && this.exclude.some((b) => blockHolds(b, this.address)));
  }
}
