#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# A tiny PNG reader (standard library only: zlib, struct) for the Chromium
# check of `smemcg report`: decodes an 8-bit RGB/RGBA screenshot and says
# whether it shows charts, not a blank page.
#   png_check.py SHOT.png COLOR...   COLOR: #rrggbb a chart fill expected
# Prints one line per measure: "size W H", "nonwhite N", "colors N",
# "chart-region-nonwhite N", "COLOR N" (pixels within 8 per channel), and
# exits 1 when the page looks blank or an expected color is missing.
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unsupported PNG: depth %d type %d interlace %d"
                                 % (depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if w is None:
        raise ValueError("no IHDR")
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    if len(sys.argv) < 2:
        print("usage: png_check.py SHOT.png [#rrggbb...]", file=sys.stderr)
        return 2
    w, h, bpp, rows = read_png(sys.argv[1])
    want = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in sys.argv[2:]]
    found = [0] * len(want)
    colors, nonwhite, region = set(), 0, 0
    for y, row in enumerate(rows):
        for x in range(w):
            px = tuple(row[x * bpp:x * bpp + 3])
            colors.add(px)
            if min(px) < 235:
                nonwhite += 1
                # the first chart sits in the left half, below the tables
                if x < w // 2 and h // 8 <= y < h // 2:
                    region += 1
            for k, c in enumerate(want):
                if all(abs(px[j] - c[j]) <= 8 for j in range(3)):
                    found[k] += 1
    print("size %d %d" % (w, h))
    print("nonwhite %d" % nonwhite)
    print("colors %d" % len(colors))
    print("chart-region-nonwhite %d" % region)
    for c, n in zip(sys.argv[2:], found):
        print("%s %d" % (c, n))
    blank = nonwhite < w * h // 100 or len(colors) < 8 or region < 2000
    return 1 if blank or any(n < 200 for n in found) else 0


if __name__ == "__main__":
    sys.exit(main())
