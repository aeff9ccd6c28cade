// Where the fields of a composite group key (`--by ip,path`) lie in its bytes, as src/tables/composite-key.ts
// lays them out: every field but the last follows its length in 4 bytes (big-endian); the last runs to the
// key's end. A key of one field is that field's bytes. Ranking (rank.ts) and writing rows (rows.ts) read them.

/** Where the field found by the last fieldAt call ends (an address). */
export let fieldEnd: usize = 0;

/** Where field `field` of the key [start, end) made for `fields` fields starts (an address); sets fieldEnd. */
export function fieldAt(start: usize, end: usize, fields: u32, field: u32): usize {
  let at = start;
  for (let f: u32 = 0; f < field; f++) at += 4 + <usize>bswap<u32>(load<u32>(at));
  if (field + 1 < fields) {
    fieldEnd = at + 4 + <usize>bswap<u32>(load<u32>(at));
    return at + 4;
  }
  fieldEnd = end;
  return at;
}
