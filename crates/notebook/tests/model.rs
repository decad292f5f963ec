//! The model's typed accessors, and how edits are written back: nbformat's layout, forms kept,
//! unknown keys kept.

use notebook::{Cell, CellType, Kernelspec, LanguageInfo, Notebook, Source, Value};

/// A notebook as some other tool might write it: indent 2, keys unsorted, string sources,
/// unknown keys at every level, floats and non-ASCII text.
const HAND_WRITTEN: &str = r##"{
  "nbformat": 4,
  "nbformat_minor": 5,
  "x-tool": {"b": 1, "a": [0.00001, 1e16, 2.50]},
  "metadata": {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python", "version": "3.12.1", "file_extension": ".py", "mimetype": "text/x-python"},
    "signature": "sha256:abc",
    "auteur": "Zoé"
  },
  "cells": [
    {"id": "intro", "cell_type": "markdown", "metadata": {"trusted": true}, "source": "# Régression\nTexte"},
    {"id": "q1", "cell_type": "code", "execution_count": 3, "metadata": {"tags": ["x"]},
     "source": ["def sq(x):\n", "    return x * x"],
     "outputs": [
       {"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
       {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": ["49"]}},
       {"output_type": "error", "ename": "ValueError", "evalue": "non", "traceback": ["l1", "l2"], "x-extra": true}
     ],
     "x-cell": "gardé"}
  ]
}"##;

fn hand_written() -> Notebook {
    Notebook::parse(HAND_WRITTEN).expect("notebook valide")
}

#[test]
fn accessors_give_typed_views() {
    let notebook = hand_written();
    assert_eq!((notebook.nbformat, notebook.nbformat_minor), (4, 5));
    assert_eq!(
        notebook.kernelspec(),
        Some(Kernelspec {
            name: "python3".into(),
            display_name: Some("Python 3".into()),
            language: Some("python".into())
        })
    );
    assert_eq!(
        notebook.language_info(),
        Some(LanguageInfo {
            name: "python".into(),
            version: Some("3.12.1".into()),
            file_extension: Some(".py".into()),
            mimetype: Some("text/x-python".into())
        })
    );
    assert_eq!(notebook.language(), "python");
    let [intro, code] = &notebook.cells[..] else { panic!("deux cellules attendues") };
    assert_eq!(
        (intro.cell_type, intro.id.as_deref(), intro.source_text().as_str()),
        (CellType::Markdown, Some("intro"), "# Régression\nTexte")
    );
    assert_eq!((code.cell_type, code.id.as_deref()), (CellType::Code, Some("q1")));
    assert_eq!(code.source_text(), "def sq(x):\n    return x * x");
    assert_eq!(code.execution_count(), Some(3));
    assert_eq!(code.metadata["tags"], serde_json::json!(["x"]));
    let outputs = code.outputs();
    assert_eq!(outputs.len(), 3);
    assert_eq!((outputs[0].stream_name(), outputs[0].text().as_deref()), (Some("stdout"), Some("a\nb\n")));
    assert_eq!(outputs[1].data_text("text/plain").as_deref(), Some("49"));
    assert_eq!(
        (outputs[2].ename(), outputs[2].evalue(), outputs[2].traceback()),
        (Some("ValueError"), Some("non"), vec!["l1", "l2"])
    );
    assert_eq!(intro.outputs(), &[]);
}

#[test]
fn an_unchanged_notebook_is_written_back_as_read() {
    let notebook = hand_written();
    assert!(!notebook.is_modified());
    assert_eq!(notebook.to_json(), HAND_WRITTEN);
}

#[test]
fn an_edited_notebook_is_written_as_nbformat_would() {
    let mut notebook = hand_written();
    notebook.cells[1].source.replace_text("def sq(x):\n    return x ** 2\n");
    notebook.cells[0].source.replace_text("# Régression linéaire");
    assert!(notebook.is_modified());
    // Keys sorted, indent 1, Python floats, non-ASCII kept, transient keys (`signature`,
    // `trusted`) dropped; each source keeps its form, unknown keys stay.
    let expected = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "intro",
   "metadata": {},
   "source": "# Régression linéaire"
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "q1",
   "metadata": {
    "tags": [
     "x"
    ]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": "a\nb\n"
    },
    {
     "data": {
      "text/plain": [
       "49"
      ]
     },
     "execution_count": 3,
     "metadata": {},
     "output_type": "execute_result"
    },
    {
     "ename": "ValueError",
     "evalue": "non",
     "output_type": "error",
     "traceback": [
      "l1",
      "l2"
     ],
     "x-extra": true
    }
   ],
   "source": [
    "def sq(x):\n",
    "    return x ** 2\n"
   ],
   "x-cell": "gardé"
  }
 ],
 "metadata": {
  "auteur": "Zoé",
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  },
  "language_info": {
   "file_extension": ".py",
   "mimetype": "text/x-python",
   "name": "python",
   "version": "3.12.1"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5,
 "x-tool": {
  "a": [
   1e-05,
   1e+16,
   2.5
  ],
  "b": 1
 }
}
"##;
    assert_eq!(notebook.to_json(), expected);
}

#[test]
fn undoing_an_edit_gives_the_original_text_back() {
    let mut notebook = hand_written();
    let original = notebook.cells[1].source_text();
    notebook.cells[1].source.replace_text("pass");
    assert!(notebook.is_modified());
    notebook.cells[1].source.replace_text(&original);
    assert!(!notebook.is_modified());
    assert_eq!(notebook.to_json(), HAND_WRITTEN);
}

#[test]
fn sources_split_like_python_splitlines() {
    let mut source = Source::Lines(Vec::new());
    source.replace_text("a\r\nb\rc\u{2028}d\n");
    assert_eq!(source, Source::Lines(vec!["a\r\n".into(), "b\r".into(), "c\u{2028}".into(), "d\n".into()]));
    assert_eq!(source.text(), "a\r\nb\rc\u{2028}d\n");
    let mut text = Source::Text(String::new());
    text.replace_text("x\ny");
    assert_eq!(text, Source::Text("x\ny".into()));
}

#[test]
fn strings_are_escaped_as_python_json_does() {
    let mut notebook = Notebook::new();
    let mut cell = Cell::new(CellType::Raw, "tab\there \"quoted\" back\\slash \u{1}\u{7f} é ✓\n");
    cell.metadata.insert("n".into(), Value::from(0.1 + 0.2));
    notebook.cells.push(cell);
    let expected = "{\n \"cells\": [\n  {\n   \"cell_type\": \"raw\",\n   \"metadata\": {\n    \"n\": 0.30000000000000004\n   },\n   \"source\": [\n    \"tab\\there \\\"quoted\\\" back\\\\slash \\u0001\u{7f} é ✓\\n\"\n   ]\n  }\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
    assert_eq!(notebook.to_json(), expected);
}

#[test]
fn new_code_cells_have_what_nbformat_requires() {
    let cell = Cell::new(CellType::Code, "print(1)\nprint(2)");
    assert_eq!(
        cell.to_value(),
        serde_json::json!({"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["print(1)\n", "print(2)"]})
    );
}

#[test]
fn a_notebook_without_kernelspec_is_python_as_for_nbgrader() {
    let notebook =
        Notebook::parse(r#"{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 0}"#).expect("valide");
    assert_eq!((notebook.kernelspec(), notebook.language_info(), notebook.language().as_str()), (None, None, "python"));
}
