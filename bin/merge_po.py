#!/usr/bin/env python3
"""A git merge driver for gettext catalogues: a three-way merge entry by entry.

Two branches that each add messages, or each translate different ones, merge without a conflict:
an entry changed on one side only takes that side; an entry changed on both sides keeps ours (the
branch being merged into) unless ours is untranslated. Line references (#:) are whatever `make
messages` writes next, so they are not merged. Set up by `make hooks` (git config merge.po.driver).

Usage (by git): merge_po.py BASE OURS THEIRS — writes the result to OURS, exits 0.
"""

import sys

import polib


def key(entry):
    return (entry.msgctxt, entry.msgid)


def translation(entry):
    if entry is None:
        return None
    return (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())), "fuzzy" in entry.flags, entry.obsolete)


def main(base_path, ours_path, theirs_path):
    base = {key(e): e for e in polib.pofile(base_path)}
    ours = polib.pofile(ours_path)
    theirs = {key(e): e for e in polib.pofile(theirs_path)}
    ours_keys = {key(e) for e in ours}
    for entry in ours:
        other = theirs.get(key(entry))
        if other is None:
            continue
        origin = translation(base.get(key(entry)))
        changed_by_them = translation(other) != origin
        changed_by_us = translation(entry) != origin
        untranslated = not entry.translated() and other.translated()
        if (changed_by_them and not changed_by_us) or untranslated:
            entry.msgstr = other.msgstr
            entry.msgstr_plural = dict(other.msgstr_plural)
            entry.flags = list(other.flags)
            entry.obsolete = other.obsolete
    for k, entry in theirs.items():
        if k not in ours_keys and k not in base:
            ours.append(entry)
    ours.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
