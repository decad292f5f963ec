//! Red team: hostile submissions of our own making against the Python lab fixture, graded in one
//! `socle grade` batch. None may gain a point it did not earn; grading always completes with a
//! report; the host sees no connection and no written file; no report or feedback quotes hidden
//! tests or the teacher's solution.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{TempDir, socle, workspace};

const FULL: f64 = 7.0;

const CORRECT_CARRE: &str = "def carre(x):\n    return x * x";
const CORRECT_MOYENNE: &str = "def moyenne(valeurs):\n    return sum(valeurs) / len(valeurs)";
const CORRECT_ECART: &str = "def ecart_type(valeurs):\n    m = moyenne(valeurs)\n    return math.sqrt(sum((v - m) ** 2 for v in valeurs) / len(valeurs))";

/// A student notebook being edited into a hostile submission.
struct Copy(Value);

impl Copy {
    fn cells(&mut self) -> &mut Vec<Value> {
        self.0["cells"].as_array_mut().expect("cellules")
    }

    fn position(&mut self, grade_id: &str) -> usize {
        self.cells()
            .iter()
            .position(|cell| cell["metadata"]["nbgrader"]["grade_id"] == grade_id)
            .unwrap_or_else(|| panic!("cellule {grade_id} absente"))
    }

    fn answer(mut self, grade_id: &str, code: &str) -> Copy {
        let idx = self.position(grade_id);
        self.cells()[idx]["source"] = json!(code);
        self
    }

    fn correct(self) -> Copy {
        self.answer("carre", CORRECT_CARRE).answer("moyenne", CORRECT_MOYENNE).answer("ecart_type", CORRECT_ECART)
    }

    /// Inserts a plain code cell after the cell `after` (or first with `None`).
    fn insert(mut self, after: Option<&str>, code: &str) -> Copy {
        let idx = after.map_or(0, |grade_id| self.position(grade_id) + 1);
        let cell =
            json!({ "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": code });
        self.cells().insert(idx, cell);
        self
    }

    fn append(mut self, code: &str) -> Copy {
        let cell =
            json!({ "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": code });
        self.cells().push(cell);
        self
    }

    fn remove(mut self, grade_id: &str) -> Copy {
        let idx = self.position(grade_id);
        self.cells().remove(idx);
        self
    }
}

/// What a graded case must show.
struct Expect {
    /// Exact total.
    total: f64,
    /// Integrity verdict, when the case decides it.
    integrity: Option<bool>,
    /// Whether the report must list a problem (dead kernel, unreadable file).
    problems: bool,
}

fn exact(total: f64) -> Expect {
    Expect { total, integrity: None, problems: false }
}

struct Case {
    name: &'static str,
    submission: String,
    expect: Expect,
}

#[test]
fn hostile_submissions_gain_nothing_and_leave_no_trace() {
    let work = TempDir::new("red-team");
    let source = workspace().join("crates/socle/tests/fixtures/labo-python/devoir.ipynb");
    let assigned = work.path.join("devoir");
    let output = socle(&["assign", source.to_str().expect("chemin"), "--out", assigned.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(0), "socle assign : {}", String::from_utf8_lossy(&output.stderr));
    let student_text = std::fs::read_to_string(assigned.join("student/devoir.ipynb")).expect("version étudiante");
    assert!(!student_text.contains("return x * x") && !student_text.contains("HIDDEN"), "la version étudiante fuit");
    let student = || Copy(serde_json::from_str(&student_text).expect("JSON"));

    let listener = TcpListener::bind("127.0.0.1:0").expect("écoute");
    listener.set_nonblocking(true).expect("non bloquant");
    let port = listener.local_addr().expect("adresse").port();
    let host_written = PathBuf::from(format!("/tmp/socle-red-team-{}", std::process::id()));
    let _ = std::fs::remove_file(&host_written);
    let inside_work = work.path.join("ecrit-par-la-copie.txt");
    let other = work.path.join("autre-copie-secrete.ipynb");
    std::fs::write(&other, "SECRET-D-UNE-AUTRE-COPIE").expect("autre copie");
    let bundle_expected = assigned.join("autograder/expected.json");

    let cases = vec![
        Case { name: "solution", submission: student().correct().0.to_string(), expect: exact(FULL) },
        Case { name: "version-etudiante", submission: student_text.clone(), expect: exact(0.0) },
        Case {
            name: "transformateur-entree",
            submission: student()
                .insert(None, "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])")
                .0
                .to_string(),
            expect: Expect { total: 0.0, integrity: Some(false), problems: false },
        },
        Case {
            name: "exceptions-avalees",
            submission: student()
                .insert(None, "get_ipython().set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)")
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "egalite-toujours-vraie",
            submission: student()
                .insert(
                    None,
                    "class Toujours:\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n    def __sub__(self, other): return 0\n    def __abs__(self): return 0\n",
                )
                .answer("carre", "def carre(x):\n    return Toujours()")
                .answer("moyenne", "def moyenne(valeurs):\n    return Toujours()")
                .answer("ecart_type", "def ecart_type(valeurs):\n    return Toujours()")
                .0
                .to_string(),
            expect: Expect { total: 0.0, integrity: Some(false), problems: false },
        },
        Case {
            name: "affichage-usurpe",
            submission: student()
                .answer("carre", "def carre(x):\n    return x + 1")
                .append("from IPython.display import display\ndisplay({'text/plain': '49'}, raw=True)\ndisplay(49)\n49")
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "faux-succes-imprime",
            submission: student().append("print('Tous les tests ont réussi. Score : 7 / 7')").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "sys-exit",
            submission: student().insert(None, "import sys\nsys.exit(0)").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "os-exit",
            submission: student().insert(None, "import os\nos._exit(0)").0.to_string(),
            expect: Expect { total: 0.0, integrity: None, problems: true },
        },
        Case {
            name: "boucle-infinie",
            submission: student().correct().answer("carre", "def carre(x):\n    while True:\n        pass").0.to_string(),
            // The two other answers are right and earn their 5 points honestly.
            expect: exact(5.0),
        },
        Case {
            name: "bombe-fork",
            submission: student().insert(None, "import os\nwhile True:\n    os.fork()").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "bombe-memoire",
            submission: student().insert(None, "blocs = []\nwhile True:\n    blocs.append(bytearray(50 * 1024 * 1024))").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "deluge-de-sortie",
            submission: student().insert(None, "while True:\n    print('x' * 10000)").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "connexion-reseau",
            submission: student()
                .insert(None, &format!("import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    print('CONN' + 'ECTE')\nexcept OSError as err:\n    print('refusé', err)"))
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "lecture-du-sujet",
            submission: student()
                .insert(
                    None,
                    &format!(
                        "for chemin in [{:?}, {:?}]:\n    try:\n        print(open(chemin).read())\n    except OSError as err:\n        print('illisible', err)",
                        source.display().to_string(),
                        bundle_expected.display().to_string()
                    ),
                )
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "ecriture-hors-du-dossier",
            submission: student()
                .insert(
                    None,
                    &format!(
                        "for chemin in [{:?}, {:?}]:\n    try:\n        open(chemin, 'w').write('x')\n    except OSError as err:\n        print('refusé', err)",
                        host_written.display().to_string(),
                        inside_work.display().to_string()
                    ),
                )
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "lecture-autre-copie",
            submission: student()
                .insert(None, &format!("try:\n    print(open({:?}).read())\nexcept OSError as err:\n    print('illisible', err)", other.display().to_string()))
                .0
                .to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "tests-modifies",
            submission: {
                let mut copy = student();
                for grade_id in ["test_carre", "test_moyenne", "test_ecart_type"] {
                    copy = copy.answer(grade_id, "pass");
                }
                copy.0.to_string()
            },
            expect: exact(0.0),
        },
        Case {
            name: "tests-supprimes",
            submission: student().remove("test_carre").remove("test_moyenne").remove("test_ecart_type").0.to_string(),
            expect: exact(0.0),
        },
        Case {
            name: "tests-supprimes-reponses-justes",
            submission: student().correct().remove("test_moyenne").0.to_string(),
            // Deleted tests are put back: right answers keep what they earn.
            expect: exact(FULL),
        },
        Case {
            name: "fuite-des-tests-caches",
            submission: student()
                .correct()
                .insert(None, "vus = []\nget_ipython().events.register('pre_run_cell', lambda info: vus.append(info.raw_cell))")
                .append("print('\\n'.join(vus))\nraise ValueError('\\n'.join(vus))")
                .0
                .to_string(),
            expect: exact(FULL),
        },
        Case { name: "notebook-mal-forme", submission: "{\"cells\": [".to_owned(), expect: Expect { total: 0.0, integrity: None, problems: true } },
    ];
    assert!(cases.len() >= 17);

    let copies = work.path.join("copies");
    std::fs::create_dir_all(&copies).expect("dossier des copies");
    let mut paths = Vec::new();
    for case in &cases {
        let path = copies.join(format!("{}.ipynb", case.name));
        std::fs::write(&path, &case.submission).expect("écriture d'une copie");
        paths.push(path);
    }
    let reports = work.path.join("rapports");
    let mut args: Vec<String> = vec![
        "grade".into(),
        "--assignment".into(),
        assigned.join("autograder").display().to_string(),
        "--out".into(),
        reports.display().to_string(),
        "--timeout-cell".into(),
        "5".into(),
        "--jobs".into(),
        "2".into(),
    ];
    args.extend(paths.iter().map(|path| path.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = socle(&args);
    assert_eq!(output.status.code(), Some(0), "socle grade : {}", String::from_utf8_lossy(&output.stderr));

    let teacher_secrets =
        ["return x * x", "sum(valeurs) / len(valeurs)", "abs(moyenne([0.1, 0.2])", "BEGIN HIDDEN", "\"2.5\""];
    let mut failures = Vec::new();
    for case in &cases {
        let report_path = reports.join(format!("{}.json", case.name));
        let Ok(text) = std::fs::read_to_string(&report_path) else {
            failures.push(format!("{} : pas de rapport", case.name));
            continue;
        };
        let report: Value = serde_json::from_str(&text).expect("rapport JSON");
        let total = report["total"].as_f64().unwrap_or(-1.0);
        if (total - case.expect.total).abs() > 1e-9 {
            failures.push(format!("{} : total {total}, attendu {}", case.name, case.expect.total));
        }
        if let Some(ok) = case.expect.integrity
            && report["integrity"]["ok"] != ok
        {
            failures.push(format!("{} : intégrité {}, attendue {ok}", case.name, report["integrity"]["ok"]));
        }
        if case.expect.problems && report["problems"].as_array().is_none_or(Vec::is_empty) {
            failures.push(format!("{} : aucun problème signalé", case.name));
        }
        let feedback =
            std::fs::read_to_string(reports.join(format!("{}.feedback.ipynb", case.name))).unwrap_or_default();
        let html = std::fs::read_to_string(reports.join(format!("{}.html", case.name))).unwrap_or_default();
        for secret in teacher_secrets {
            for (what, document) in [("rapport", &text), ("retour", &feedback), ("html", &html)] {
                // The learner's own correct answers legitimately contain the solution's code.
                let own_code = case.submission.contains(secret);
                if document.contains(secret) && !own_code {
                    failures.push(format!("{} : le {what} cite « {secret} »", case.name));
                }
            }
        }
        for leak in ["CONNECTE", "SECRET-D-UNE-AUTRE-COPIE", "test_carre\\\": ["] {
            if feedback.contains(leak) {
                failures.push(format!("{} : le retour contient « {leak} »", case.name));
            }
        }
        if feedback.len() > 4 << 20 {
            failures.push(format!("{} : retour de {} octets (sortie non bornée)", case.name, feedback.len()));
        }
    }
    match listener.accept() {
        Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => failures.push(format!("connexion reçue de {peer} : le bac à sable laisse passer le réseau")),
        Err(err) => failures.push(format!("écoute : {err}")),
    }
    for path in [&host_written, &inside_work] {
        if Path::new(path).exists() {
            failures.push(format!("{} écrit sur l'hôte par une copie", path.display()));
        }
    }
    assert!(failures.is_empty(), "{} échec(s) :\n{}", failures.len(), failures.join("\n"));
}
