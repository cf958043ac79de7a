// Finding the last line of an append-only, newline-terminated file by reading it backwards in chunks,
// so a tick costs one read near the end of the journal however long the hour has made it. Pure: the
// caller supplies the reads.

// Bytes [position, position + length) of the file; fewer only past its end.
export type ReadAt = (position: number, length: number) => Uint8Array;

export interface TailScan {
    // Where the complete lines end: bytes from here to the end of the file are a torn last line (an
    // append that kill -9 or a power cut interrupted). 0 when there is no newline at all.
    completeEnd: number;
    // The last complete line, without its newline; null when there is none.
    lastLine: { start: number; bytes: Uint8Array } | null;
}

const NEWLINE = 0x0a;

export function scanTail(size: number, read: ReadAt, chunkSize = 64 * 1024): TailScan {
    // Chunks read so far, in file order; together they cover [pos, size).
    const chunks: Uint8Array[] = [];
    let pos = size;
    let lastNl = -1;
    let prevNl = -1;
    while (pos > 0 && prevNl < 0) {
        const start = Math.max(0, pos - chunkSize);
        const chunk = read(start, pos - start);
        chunks.unshift(chunk);
        for (let i = chunk.length - 1; i >= 0; i--) {
            if (chunk[i] !== NEWLINE) continue;
            if (lastNl < 0) {
                lastNl = start + i;
            } else {
                prevNl = start + i;
                break;
            }
        }
        pos = start;
    }
    if (lastNl < 0) return { completeEnd: 0, lastLine: null };
    const lineStart = prevNl + 1;
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
        joined.set(c, offset);
        offset += c.length;
    }
    return { completeEnd: lastNl + 1, lastLine: { start: lineStart, bytes: joined.subarray(lineStart - pos, lastNl - pos) } };
}
