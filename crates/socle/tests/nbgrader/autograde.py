"""Grades nbgrader's documentation example (ps1) with nbgrader itself and prints the raw scores.

Run with the test virtualenv's Python: `autograde.py COURSE_DIR` where COURSE_DIR is an empty
folder. The notebooks are read from the installed nbgrader package, never copied into the repo.
Output (stdout, JSON): {"<student>/<notebook>": {"score": float, "cells": {grade_id: score}}}.
"""
import json
import os
import shutil
import subprocess
import sys

import nbgrader
from nbgrader.api import Gradebook

course = os.path.abspath(sys.argv[1])
guide = os.path.join(os.path.dirname(nbgrader.__file__), "docs", "source", "user_guide")
shutil.copytree(os.path.join(guide, "source", "ps1"), os.path.join(course, "source", "ps1"))
for student in ("bitdiddle", "hacker"):
    shutil.copytree(
        os.path.join(guide, "submitted", student, "ps1"),
        os.path.join(course, "submitted", student, "ps1"),
    )
with open(os.path.join(course, "nbgrader_config.py"), "w") as config:
    config.write("c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.db_assignments = [dict(name='ps1')]\n" % course)
    config.write("c.CourseDirectory.db_students = [dict(id='bitdiddle'), dict(id='hacker')]\n")
    config.write("c.ExecutePreprocessor.kernel_name = 'python3'\n")
bindir = os.path.dirname(sys.executable)
env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
def run(*args):
    subprocess.run([os.path.join(bindir, "nbgrader"), *args], cwd=course, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
run("generate_assignment", "ps1", "--force")
run("autograde", "ps1", "--force")
scores = {}
with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gradebook:
    for student in ("bitdiddle", "hacker"):
        submission = gradebook.find_submission("ps1", student)
        for notebook in submission.notebooks:
            cells = {grade.name: grade.auto_score for grade in notebook.grades if grade.auto_score is not None}
            scores["%s/%s" % (student, notebook.name)] = {"score": notebook.score, "cells": cells}
json.dump(scores, sys.stdout, sort_keys=True)
