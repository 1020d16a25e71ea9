#!/usr/bin/env bash
# The order-to-cash tour of the README, runnable: bash examples/order-to-cash.sh [LEDGER]
# KOBAN may name the command to run (default: koban).
set -euo pipefail
export KOBAN_DB="${1:-order-to-cash.db}"
koban() { ${KOBAN:-koban} "$@"; }

koban company set --name "Atelier Lumière SARL" --siren 123456782 --vat-number FR11123456782 \
  --address "12 rue des Artisans" --postcode 69002 --city Lyon --payment-terms-days 30 > /dev/null
koban customer add ACME --name "ACME Industries SAS" --siren 552100554 --payment-terms-days 45
koban product add CONSEIL --name "Journée de conseil" --price 650 --vat 20 --kind service --unit day
koban product add ECRAN --name "Écran 27 pouces" --price 249.90 --vat 20

quote=$(koban quote create --customer ACME --date 2026-01-05)
koban quote add-line "$quote" --product ECRAN --qty 4 --discount 10
koban quote add-line "$quote" --text "Phase 2 : accompagnement"
koban quote add-line "$quote" --product CONSEIL --qty 5 --comment "Sur site"
order=$(koban quote accept "$quote" --date 2026-01-06)

validate() { koban invoice validate "$(koban "$@" --format json | sed -n 's/.*"ref": "\(PROV-[0-9]*\)".*/\1/p')" --date "$day"; }
day=2026-01-07 validate invoice deposit "$order" --percent 30
day=2026-02-01 validate invoice partial "$order" --line 1=2
day=2026-03-01 validate invoice balance "$order"
day=2026-03-02 validate invoice credit FA-2026-0002 --amount 100 --reason "Geste commercial"
koban invoice pay FA-2026-0001 --amount 1200.00 --method transfer --date 2026-01-20

koban order show "$order"
koban order list --open
koban invoice list --unpaid --as-of 2026-03-31
