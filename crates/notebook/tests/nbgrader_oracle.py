"""What the real nbgrader and nbformat say about every notebook shipped in the nbgrader package.

Run by the Rust tests with the virtual environment's Python (`cargo xtask setup` creates it):
    python nbgrader_oracle.py [FIXTURE_FOLDER]
prints one JSON object: the package folder, and per notebook (path relative to its folder) the
validation verdicts, checksums, and the text nbformat writes after each nbgrader preprocessor,
for the package's notebooks (`files`) and those of the fixture folder (`fixtures`).
"""

import json
import logging
import os
import sys

import nbformat
import nbgrader
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums
from nbgrader.utils import compute_checksum

logging.disable(logging.CRITICAL)


def failure(err):
    return {"error": "{}: {}".format(type(err).__name__, err)}


def written(nb):
    # What nbformat.write puts in a file: writes() and one final newline.
    text = nbformat.writes(nb)
    return {"text": text if text.endswith("\n") else text + "\n"}


def clear_solutions():
    # nbgrader's defaults plus the Rust stub socle adds for the evcxr kernel.
    preprocessor = ClearSolutions()
    preprocessor.code_stub = dict(preprocessor.code_stub, rust="// YOUR CODE HERE\ntodo!()")
    return preprocessor


def run_preprocessor(text, make_preprocessor):
    try:
        nb = nbformat.reads(text, as_version=4)
        nb, _ = make_preprocessor().preprocess(nb, {})
        return written(nb)
    except Exception as err:
        return failure(err)


def oracle(path):
    with open(path, encoding="utf8") as f:
        text = f.read()
    nb = nbformat.reads(text, as_version=4)
    validator = MetadataValidator()
    cells = []
    for cell in nb.cells:
        verdict = {}
        try:
            validator.validate_cell(cell)
            verdict["valid"] = True
        except Exception as err:
            verdict["valid"] = False
            verdict["validation_error"] = failure(err)["error"]
        try:
            verdict["checksum"] = compute_checksum(cell)
        except Exception as err:
            verdict["checksum_error"] = failure(err)["error"]
        cells.append(verdict)
    result = {"cells": cells}
    try:
        validator.validate_nb(nb)
        result["notebook_valid"] = True
    except Exception as err:
        result["notebook_valid"] = False
        result["notebook_error"] = failure(err)["error"]
    try:
        result["nbformat_write"] = written(nbformat.reads(text, as_version=4))
    except Exception as err:
        result["nbformat_write"] = failure(err)
    result["clear_solutions"] = run_preprocessor(text, clear_solutions)
    result["clear_hidden_tests"] = run_preprocessor(text, ClearHiddenTests)
    result["compute_checksums"] = run_preprocessor(text, ComputeChecksums)
    return result


def walk(root):
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".ipynb"):
                path = os.path.join(folder, name)
                files[os.path.relpath(path, root)] = oracle(path)
    return files


def main():
    package = os.path.dirname(os.path.abspath(nbgrader.__file__))
    result = {"package": package, "files": walk(package)}
    if len(sys.argv) > 1:
        result["fixtures"] = walk(sys.argv[1])
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
