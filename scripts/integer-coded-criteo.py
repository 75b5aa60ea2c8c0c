#!/usr/bin/env python3
"""The demo's Criteo rows with each categorical value replaced by an integer code (per column, numbered from 1
in order of first appearance, training rows first), as many real click logs ship them.

    python3 scripts/integer-coded-criteo.py OUT_DIR     # writes OUT_DIR/train.tsv and OUT_DIR/test.tsv

Used for the README's AFM-against-SVD measurement on a DeepFM trained on integer-coded categoricals:
    npx ctr-studio train --model deepfm --train OUT_DIR/train.tsv --test OUT_DIR/test.tsv --out OUT_DIR/deepfm
    npx ctr-studio sweep --model OUT_DIR/deepfm --train OUT_DIR/train.tsv --test OUT_DIR/test.tsv \\
        --methods afm,svd,fisher-svd,fisher-afm --dense-ranks 4,8,16,32,64,128 --embedding-ranks 2,8 --report s.json
"""
import os
import sys

SOURCE = os.path.join(os.path.dirname(__file__), '..', 'public', 'demo', 'criteo')
FIRST_CATEGORICAL = 14  # label, 13 numeric columns, then 26 categorical ones
CATEGORICALS = 26


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    codes = [{} for _ in range(CATEGORICALS)]
    for name in ('train.tsv', 'test.tsv'):
        with open(os.path.join(SOURCE, name)) as src, open(os.path.join(out_dir, name), 'w') as dst:
            for line in src:
                cols = line.rstrip('\n').split('\t')
                for c in range(CATEGORICALS):
                    value = cols[FIRST_CATEGORICAL + c]
                    if value:
                        cols[FIRST_CATEGORICAL + c] = str(codes[c].setdefault(value, len(codes[c]) + 1))
                dst.write('\t'.join(cols) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: python3 scripts/integer-coded-criteo.py OUT_DIR')
    main(sys.argv[1])
