/**
 * A small PNG decoder for tests (8-bit RGB/RGBA, non-interlaced: what resvg writes): chunks,
 * zlib inflate, and the five row filters of the PNG spec.
 */
import { inflateSync } from 'node:zlib';

/** Decoded pixels, row-major, `channels` bytes a pixel. */
export interface Image {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decode PNG bytes; throws on anything but 8-bit RGB(A) without interlacing. */
export function decodePng(png: Uint8Array): Image {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8]!;
      const color = body[9]!;
      if (depth !== 8 || (color !== 6 && color !== 2) || body[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, color type ${color}, interlace ${body[12]}`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[out + x - channels]! : 0;
      const b = y > 0 ? data[out - stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[out - stride + x - channels]! : 0;
      let v = line[x]!;
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      data[out + x] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Pixels in a rectangle that differ from `background` by more than `tolerance` per channel, and those with color (not gray). */
export function inkIn(img: Image, x0: number, y0: number, w: number, h: number, background: [number, number, number], tolerance = 24): { ink: number; colored: number; total: number } {
  let ink = 0;
  let colored = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = (y * img.width + x) * img.channels;
      const r = img.data[i]!;
      const g = img.data[i + 1]!;
      const b = img.data[i + 2]!;
      if (Math.abs(r - background[0]) > tolerance || Math.abs(g - background[1]) > tolerance || Math.abs(b - background[2]) > tolerance) ink++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colored++;
    }
  }
  return { ink, colored, total: w * h };
}
