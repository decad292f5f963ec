#!/bin/sh
# Génère le web de démonstration de l'observatoire (graine 2026) dans le dossier donné, et
# affiche son résumé, à comparer avec corpus.toml. Usage : datasets/observatory-demo/generer.sh DOSSIER
set -eu
exec cargo run --release -p demoweb --example generer -- 2026 "${1:?indiquez un dossier de sortie}"
