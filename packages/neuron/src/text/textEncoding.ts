import { inputError } from './inputError.js';

/** The UTF-8 byte-order mark as a decoded character: Windows editors (Excel, Notepad) put it before the header. */
export const BOM = '\uFEFF';

/**
 * Refuse text that is not UTF-8 before it is parsed: a UTF-16 file (what Excel's "Unicode text" writes)
 * decodes to garbage and would otherwise fail later with a confusing message about its first field.
 * `head` is the first bytes of the file.
 */
export function checkUtf8(head: Uint8Array, file: string): void {
  const bom = head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  // Without a mark, ASCII text in UTF-16 alternates a character and a zero byte.
  const alternating =
    head.length >= 4 &&
    ((head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) || (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0));
  const utf16 = bom || alternating;
  if (utf16) throw inputError(file, 1, 'the file is UTF-16 encoded; expected UTF-8 text (save it as UTF-8, or convert it with iconv -f UTF-16 -t UTF-8)');
}

/** The first line without a UTF-8 byte-order mark, so that a header behind one is still recognised. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}
