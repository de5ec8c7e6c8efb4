#!/usr/bin/env node
// Draws the app and tray icons (assets/*.png) so they are reproducible from source: a shield-blue disc with a
// flare ring; the tray variants colour the disc by state. Run: node scripts/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';

const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'assets');
mkdirSync(out, { recursive: true });

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function icon(size, disc) {
  return png(size, (u, v) => {
    const d = Math.hypot(u - 0.5, v - 0.5);
    if (d > 0.48) return [0, 0, 0, 0];
    if (d > 0.40) return [255, 176, 32, 255]; // the flare ring
    const shade = 1 - d * 0.6;
    return [Math.round(disc[0] * shade), Math.round(disc[1] * shade), Math.round(disc[2] * shade), 255];
  });
}

// 512 px: electron-builder's smallest for macOS (Windows needs 256, Linux takes any).
writeFileSync(path.join(out, 'icon.png'), icon(512, [31, 95, 191]));
writeFileSync(path.join(out, 'tray-idle.png'), icon(32, [31, 95, 191]));
writeFileSync(path.join(out, 'tray-polling.png'), icon(32, [20, 128, 74]));
writeFileSync(path.join(out, 'tray-error.png'), icon(32, [180, 35, 24]));
console.log(`icons written to ${out}`);
