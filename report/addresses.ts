// The report page's CIDR filter: IPv4 and IPv6 addresses and blocks, parsed in the browser.

/** Parses an IPv4 or IPv6 address into 8 sixteen-bit words (IPv4 as ::ffff:a.b.c.d), or undefined. */
export function parseIp(text: string): number[] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    return [0, 0, 0, 0, 0, 0xffff, (b[0] << 8) | b[1], (b[2] << 8) | b[3]];
  }
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const tail = parseIp(piece);
        if (!tail) return undefined;
        out.push(tail[6], tail[7]);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

/** `203.0.113.0/24`, `2001:db8::/32` or one address: a test of addresses, or undefined when it is not one. */
export function parseBlock(text: string): ((words: number[]) => boolean) | undefined {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const base = parseIp(m[1]);
  if (!base) return undefined;
  const v4 = !m[1].includes(':');
  let bits = m[2] === undefined ? 128 : Number(m[2]) + (v4 ? 96 : 0);
  if (bits > 128 || (v4 && Number(m[2] ?? 32) > 32)) return undefined;
  return (words) => {
    for (let w = 0; w < 8 && bits > 0; w++) {
      const take = Math.min(16, bits - w * 16);
      if (take <= 0) break;
      const mask = take >= 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
      if ((words[w] & mask) !== (base[w] & mask)) return false;
    }
    return true;
  };
}
