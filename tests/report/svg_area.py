#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# The area, in square pixels, of one series of one chart of a report page
# (tests/report/run-report.sh): the chart whose <title> starts with TITLE,
# its <path> with data-series="SERIES", by the shoelace formula over the
# path's points. A layer that holds nothing is a flat outline: area 0.
#   svg_area.py PAGE TITLE SERIES    prints the area, or "none"
import re
import sys


def main():
    page, title, series = sys.argv[1:4]
    text = open(page, encoding="utf-8").read()
    for svg in re.findall(r"<svg .*?</svg>", text, re.S):
        m = re.search(r"<title>([^<]*)</title>", svg)
        if not m or not m.group(1).startswith(title):
            continue
        p = re.search(r'data-series="%s" d="([^"]*)"' % re.escape(series), svg)
        if not p:
            break
        pts = [tuple(map(float, xy.split(",")))
               for xy in re.findall(r"[-0-9.]+,[-0-9.]+", p.group(1))]
        area = 0.0
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
            area += x1 * y2 - x2 * y1
        print("%.1f" % abs(area / 2))
        return 0
    print("none")
    return 1


if __name__ == "__main__":
    sys.exit(main())
