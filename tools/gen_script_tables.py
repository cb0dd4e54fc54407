"""Regenerate src/educorpus/data/script/char_classes.tsv from the installed OpenCC.

    PYTHONPATH=src python tools/gen_script_tables.py

The test tests/test_script.py::test_char_classes_match_installed_opencc fails when the shipped
file and the installed OpenCC disagree.
"""

from pathlib import Path

from educorpus.cleaners.script import build_char_classes

HEADER = """# Characters that tell simplified from traditional writing, generated from OpenCC by
# tools/gen_script_tables.py (do not edit by hand; see educorpus.cleaners.script.build_char_classes).
# columns: class <TAB> characters
"""

out = Path(__file__).resolve().parent.parent / "src" / "educorpus" / "data" / "script" / "char_classes.tsv"
classes = build_char_classes()
out.write_text(HEADER + "".join(f"{k}\t{v}\n" for k, v in classes.items()), encoding="utf-8")
print(out, {k: len(v) for k, v in classes.items()})
