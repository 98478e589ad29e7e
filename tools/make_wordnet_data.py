"""Build the WordNet gloss data set bundled with logbessel (``logbessel.datasets.load_wordnet_glosses``).

Source: the WordNet 3.0 database as packaged by Debian (``wordnet-base``). Fetch and unpack it
without installing anything::

    mkdir wn && cd wn && apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb tree
    python tools/make_wordnet_data.py wn/tree

The tool reads from the unpacked tree

* ``usr/share/wordnet/data.{noun,verb,adj,adv}`` -- one synset per line (lines that start with two
  spaces are the licence header). Fields (see wndb(5WN)): synset offset, **lexicographer file
  number** (two decimal digits), synset type, word count (hex), words, pointers, ... and after
  ``" | "`` the gloss (definition and example sentences);
* ``usr/share/man/man5/lexnames.5WN.gz`` -- the table of the 45 lexicographer file names
  (``noun.animal``, ``verb.motion``, ...) by number (the ``lexnames`` data file itself is not in
  the Debian package, the manual page carries the same table);
* ``usr/share/doc/wordnet-base/copyright`` -- the WordNet 3.0 licence, which must accompany every
  copy of the database.

and writes into ``python/logbessel/data/``

* ``wordnet_glosses.tsv.xz`` -- xz-compressed UTF-8 text: one header line per category
  (``#<number>\\t<name>``, in number order) and then one line per synset, ``<number>\\t<gloss>``,
  in the order noun, verb, adj, adv and file order within each;
* ``WORDNET_LICENSE`` -- the licence text.

The result is deterministic (xz preset 9 | extreme, no timestamps in the container).
"""

from __future__ import annotations

import argparse
import gzip
import lzma
import re
import sys
from pathlib import Path

POS_FILES = ("noun", "verb", "adj", "adv")
N_CATEGORIES = 45


def read_lexnames(tree: Path) -> list[str]:
    """The 45 lexicographer file names, indexed by file number, from the lexnames manual page."""
    page = gzip.decompress((tree / "usr/share/man/man5/lexnames.5WN.gz").read_bytes()).decode("utf-8")
    names: dict[int, str] = {}
    for line in page.splitlines():
        # table rows: "05\tnoun.animal\tnouns denoting animals"
        m = re.fullmatch(r"(\d\d)\t\s*([a-z]+\.[A-Za-z]+)\s*\t.*", line)
        if m:
            names[int(m.group(1))] = m.group(2)
    if sorted(names) != list(range(N_CATEGORIES)):
        raise SystemExit(f"expected lexicographer files 00..{N_CATEGORIES - 1}, found {sorted(names)}")
    return [names[i] for i in range(N_CATEGORIES)]


def read_synsets(tree: Path) -> list[tuple[int, str]]:
    """(lexicographer file number, gloss) for every synset of the four data files."""
    rows: list[tuple[int, str]] = []
    for pos in POS_FILES:
        path = tree / "usr/share/wordnet" / f"data.{pos}"
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("  "):  # licence header
                    continue
                fields = line.split(" ", 2)
                lex_number = int(fields[1])
                head, sep, gloss = line.partition(" | ")
                if not sep:
                    raise SystemExit(f"{path}: synset {fields[0]} has no gloss")
                gloss = " ".join(gloss.split())  # trailing blanks, no tabs/newlines inside
                rows.append((lex_number, gloss))
    return rows


def read_licence(tree: Path) -> str:
    """The 'License: WordNet3.0' paragraph of the Debian copyright file, as plain text."""
    text = (tree / "usr/share/doc/wordnet-base/copyright").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("License: WordNet"))
    body: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):  # end of the continuation block
            break
        body.append("" if line.strip() == "." else line[1:])
    head = [
        "WordNet 3.0 (Princeton University). The file wordnet_glosses.tsv.xz in this directory is",
        "derived from the WordNet 3.0 database (synset glosses and lexicographer file names).",
        "It is distributed under the WordNet 3.0 licence, reproduced here:",
        "",
    ]
    return "\n".join(head + body).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path, help="root of the unpacked wordnet-base package (dpkg-deb -x)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "python" / "logbessel" / "data",
        help="output directory (default: python/logbessel/data of this source tree)",
    )
    args = parser.parse_args(argv)
    names = read_lexnames(args.tree)
    rows = read_synsets(args.tree)
    lines = [f"#{i:02d}\t{name}" for i, name in enumerate(names)]
    lines += [f"{num:02d}\t{gloss}" for num, gloss in rows]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    data_path = args.out / "wordnet_glosses.tsv.xz"
    data_path.write_bytes(lzma.compress(payload, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME))
    (args.out / "WORDNET_LICENSE").write_text(read_licence(args.tree), encoding="utf-8")
    used = sorted({num for num, _ in rows})
    print(f"{len(rows)} synsets, {len(used)} categories used of {len(names)}; "
          f"{data_path.name}: {data_path.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
