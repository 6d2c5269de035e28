#!/usr/bin/python3
"""Writes the PNG/JPEG fixtures of src/image-decode.test.ts with real encoders: Pillow (libpng-compatible
writer, libjpeg) for what it writes, fast-png's encoder (through node) for greyscale of 2 and 4 bits, 16-bit
greyscale + alpha, RGB and RGBA, and Adam7 interlacing.

Each image is 7x5 pixels (an odd width, so rows of 1/2/4-bit samples end inside a byte) of a known pattern.
fixtures/images/expected.json holds, per file, the samples decodeImage must return times `max` (integers):
for PNG the very samples handed to the encoder, checked again by decoding every file with Pillow (an
independent decoder); for JPEG what libjpeg (through Pillow) decodes, since JPEG is lossy.

Run from packages/datasets: /usr/bin/python3 scripts/make-image-fixtures.py
"""
import json
import os
import struct
import subprocess
import zlib

from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'images')
W, H = 7, 5
expected = {}


def ihdr(path):
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', data[16:29])
    chunks = []
    p = 8
    while p < len(data):
        (length,) = struct.unpack('>I', data[p:p + 4])
        chunks.append(data[p + 4:p + 8].decode())
        p += 12 + length
    return {'width': width, 'height': height, 'depth': depth, 'colourType': colour,
            'interlace': interlace, 'chunks': chunks}


def record(name, channels, max_value, samples, header=None):
    path = os.path.join(OUT, name)
    entry = {'width': W, 'height': H, 'channels': channels, 'max': max_value, 'samples': samples}
    if header is not None:
        got = ihdr(path)
        for key, value in header.items():
            assert got[key] == value, (name, key, got[key], value)
        entry['png'] = {k: got[k] for k in ('depth', 'colourType', 'interlace')}
    expected[name] = entry


def grey_pattern(bits):
    levels = 2 ** bits
    return [[(x * 3 + y * 5 + x * y) % levels for x in range(W)] for y in range(H)]


FAST_PNG = """
import { writeFileSync } from 'node:fs';
import { encode } from 'fast-png';
const job = JSON.parse(process.argv[1]);
const data = job.depth === 16 ? Uint16Array.from(job.data) : Uint8Array.from(job.data);
writeFileSync(job.path, encode({ width: job.width, height: job.height, channels: job.channels, depth: job.depth, data },
  job.interlace ? { interlace: 'Adam7' } : {}));
"""


def fast_png(name, channels, depth, data, interlace=False):
    """Encodes with fast-png's encoder; `data` are samples (depth >= 8) or rows of packed samples (depth < 8)."""
    job = {'path': os.path.join(OUT, name), 'width': W, 'height': H, 'channels': channels, 'depth': depth,
           'data': data, 'interlace': interlace}
    subprocess.run(['node', '--input-type=module', '-e', FAST_PNG, json.dumps(job)],
                   cwd=os.path.join(os.path.dirname(__file__), '..'), check=True)


def pack_rows(rows, bits):
    """Rows of samples packed `bits` to a sample, most significant first, each row padded to a byte."""
    out = []
    for row in rows:
        acc, n = 0, 0
        for v in row:
            acc = (acc << bits) | v
            n += bits
            if n == 8:
                out.append(acc)
                acc, n = 0, 0
        if n:
            out.append(acc << (8 - n))
    return out


# Greyscale 1 bit (Pillow), 2 and 4 bits (fast-png), 8 and 16 (Pillow).
for bits in (1, 2, 4):
    g = grey_pattern(bits)
    scale = 255 // (2 ** bits - 1)
    name = f'grey-{bits}bit.png'
    if bits == 1:
        Image.frombytes('L', (W, H), bytes(v * 255 for row in g for v in row)).convert('1').save(
            os.path.join(OUT, name))
    else:
        fast_png(name, 1, bits, pack_rows(g, bits))
    record(name, 1, 2 ** bits - 1, [v for row in g for v in row], {'depth': bits, 'colourType': 0})
    check = Image.open(os.path.join(OUT, name))
    check = [v // (255 if check.mode == '1' else 1) for v in check.getdata()]
    # Pillow reads 2/4-bit greyscale as 8 bits (scaled), 1 bit as 0/255.
    assert check in ([v for row in g for v in row], [v * scale for row in g for v in row]), (name, check)

g8 = [[(x * 37 + y * 53) % 256 for x in range(W)] for y in range(H)]
Image.frombytes('L', (W, H), bytes(v for row in g8 for v in row)).save(os.path.join(OUT, 'grey-8bit.png'))
record('grey-8bit.png', 1, 255, [v for row in g8 for v in row], {'depth': 8, 'colourType': 0})

g16 = [[(x * 4099 + y * 9001 + 17) % 65536 for x in range(W)] for y in range(H)]
Image.frombytes('I;16', (W, H), b''.join(struct.pack('<H', v) for row in g16 for v in row)).save(
    os.path.join(OUT, 'grey-16bit.png'))
record('grey-16bit.png', 1, 65535, [v for row in g16 for v in row], {'depth': 16, 'colourType': 0})
assert list(Image.open(os.path.join(OUT, 'grey-16bit.png')).getdata()) == [v for row in g16 for v in row]

# Greyscale with a tRNS colour key (Pillow): the key value becomes alpha 0.
Image.frombytes('L', (W, H), bytes(v for row in g8 for v in row)).save(
    os.path.join(OUT, 'grey-8bit-trns.png'), transparency=g8[1][2])
record('grey-8bit-trns.png', 2, 255,
       [s for row in g8 for v in row for s in (v, 0 if v == g8[1][2] else 255)],
       {'depth': 8, 'colourType': 0})

# Palette of 1, 2, 4 and 8 bits (Pillow's bits option), one with per-index transparency (tRNS).
def palette_colour(i):
    return ((i * 67 + 10) % 256, (i * 131 + 20) % 256, (i * 29 + 200) % 256)

for bits in (1, 2, 4, 8):
    levels = 2 ** bits
    idx = [[(x * 3 + y * 5 + x * y) % levels for x in range(W)] for y in range(H)]
    im = Image.frombytes('P', (W, H), bytes(v for row in idx for v in row))
    im.putpalette([c for i in range(levels) for c in palette_colour(i)])
    name = f'palette-{bits}bit.png'
    im.save(os.path.join(OUT, name), bits=bits)
    record(name, 3, 255, [c for row in idx for v in row for c in palette_colour(v)],
           {'depth': bits, 'colourType': 3})
    assert list(Image.open(os.path.join(OUT, name)).convert('RGB').getdata()) == \
        [palette_colour(v) for row in idx for v in row], name

idx4 = [[(x * 3 + y * 5 + x * y) % 16 for x in range(W)] for y in range(H)]
alpha = [(i * 40) % 256 for i in range(16)]
im = Image.frombytes('P', (W, H), bytes(v for row in idx4 for v in row))
im.putpalette([c for i in range(16) for c in palette_colour(i)])
im.save(os.path.join(OUT, 'palette-4bit-trns.png'), bits=4, transparency=bytes(alpha))
record('palette-4bit-trns.png', 4, 255,
       [c for row in idx4 for v in row for c in (*palette_colour(v), alpha[v])],
       {'depth': 4, 'colourType': 3})
assert 'tRNS' in ihdr(os.path.join(OUT, 'palette-4bit-trns.png'))['chunks']

# Greyscale + alpha, RGB, RGBA at 8 bits (Pillow) and 16 bits (fast-png).
def colour_pattern(channels, bits):
    levels = 2 ** bits
    return [((x * 4099 + y * 9001 + c * 12345 + 7) if bits == 16 else (x * 37 + y * 53 + c * 91)) % levels
            for y in range(H) for x in range(W) for c in range(channels)]

for mode, channels, colour in (('LA', 2, 4), ('RGB', 3, 2), ('RGBA', 4, 6)):
    s8 = colour_pattern(channels, 8)
    name = f'{mode.lower()}-8bit.png'
    Image.frombytes(mode, (W, H), bytes(s8)).save(os.path.join(OUT, name))
    record(name, channels, 255, s8, {'depth': 8, 'colourType': colour})
    s16 = colour_pattern(channels, 16)
    name = f'{mode.lower()}-16bit.png'
    fast_png(name, channels, 16, s16)
    record(name, channels, 65535, s16, {'depth': 16, 'colourType': colour})
    # Pillow reads 16-bit colour as 8 bits (the high byte); greyscale + alpha it cannot read at 16 bits.
    if channels != 2:
        check = [c for p in Image.open(os.path.join(OUT, name)).getdata() for c in p]
        assert check == [v >> 8 for v in s16], name

# RGB with a tRNS colour key.
s8 = colour_pattern(3, 8)
key = tuple(s8[3 * 9:3 * 9 + 3])
Image.frombytes('RGB', (W, H), bytes(s8)).save(os.path.join(OUT, 'rgb-8bit-trns.png'), transparency=key)
record('rgb-8bit-trns.png', 4, 255,
       [v for p in range(W * H) for v in (*s8[3 * p:3 * p + 3], 0 if tuple(s8[3 * p:3 * p + 3]) == key else 255)],
       {'depth': 8, 'colourType': 2})

# Interlaced (Adam7): RGB 8 bits (fast-png) is decoded. A greyscale 1-bit one, which fast-png's decoder
# reads wrong, is refused with a message: the 1-bit file with its IHDR's interlace byte set (CRC fixed).
fast_png('rgb-8bit-interlaced.png', 3, 8, s8, interlace=True)
record('rgb-8bit-interlaced.png', 3, 255, s8, {'depth': 8, 'colourType': 2, 'interlace': 1})
assert [c for p in Image.open(os.path.join(OUT, 'rgb-8bit-interlaced.png')).getdata() for c in p] == s8
with open(os.path.join(OUT, 'grey-1bit.png'), 'rb') as f:
    one = bytearray(f.read())
one[28] = 1
one[29:33] = struct.pack('>I', zlib.crc32(bytes(one[12:29])))
with open(os.path.join(OUT, 'grey-1bit-interlaced.png'), 'wb') as f:
    f.write(one)
g1 = grey_pattern(1)
record('grey-1bit-interlaced.png', 1, 1, [v for row in g1 for v in row],
       {'depth': 1, 'colourType': 0, 'interlace': 1})

# JPEG: baseline and progressive colour (4:4:4) and greyscale, Pillow (libjpeg) at quality 95.
smooth = [[(int(128 + 100 * ((x - 3) / 3)), int(60 + 30 * y), int(200 - 20 * x - 10 * y)) for x in range(W)]
          for y in range(H)]
rgb = Image.new('RGB', (W, H))
rgb.putdata([p for row in smooth for p in row])
for name, kwargs in (('rgb-baseline.jpg', {}), ('rgb-progressive.jpg', {'progressive': True})):
    rgb.save(os.path.join(OUT, name), quality=95, subsampling=0, **kwargs)
    decoded = Image.open(os.path.join(OUT, name)).convert('RGB')
    expected[name] = {'width': W, 'height': H, 'channels': 3, 'max': 255,
                      'samples': [c for p in decoded.getdata() for c in p], 'lossy': True}
grey = rgb.convert('L')
for name, kwargs in (('grey-baseline.jpg', {}), ('grey-progressive.jpg', {'progressive': True})):
    grey.save(os.path.join(OUT, name), quality=95, **kwargs)
    decoded = Image.open(os.path.join(OUT, name))
    assert decoded.mode == 'L'
    expected[name] = {'width': W, 'height': H, 'channels': 1, 'max': 255,
                      'samples': list(decoded.getdata()), 'lossy': True}
with open(os.path.join(OUT, 'rgb-progressive.jpg'), 'rb') as f:
    assert b'\xff\xc2' in f.read(), 'progressive JPEG has an SOF2 marker'

# A 28x28 1-bit digit and the same pixels as 8 bits (0 and 255), for apps/cli's `aekit run` test: the model
# must see the same input from both.
CLI = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'apps', 'cli', 'fixtures')
os.makedirs(CLI, exist_ok=True)
digit = bytes(255 if (6 <= x <= 21 and 4 <= y <= 23 and not (10 <= x <= 17 and 8 <= y <= 19)) else 0
              for y in range(28) for x in range(28))
Image.frombytes('L', (28, 28), digit).convert('1').save(os.path.join(CLI, 'digit-1bit.png'))
Image.frombytes('L', (28, 28), digit).save(os.path.join(CLI, 'digit-8bit.png'))
assert ihdr(os.path.join(CLI, 'digit-1bit.png'))['depth'] == 1

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
print(f'wrote {len(expected)} fixtures to {os.path.normpath(OUT)}')
