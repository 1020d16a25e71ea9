"""The words printed on documents, per language."""

LABELS = {
    "fr": {
        "draft": "BROUILLON", "description": "Désignation", "qty": "Qté", "unit_price": "P.U. HT",
        "discount": "Remise", "vat": "TVA", "net": "Total HT", "vat_rate": "Taux de TVA", "base": "Base HT",
        "vat_amount": "Montant TVA", "total_net": "Total HT", "total_vat": "Total TVA", "total_gross": "Total TTC",
        "date": "Date", "sale_date": "Date de vente / prestation", "due_date": "Échéance", "order": "Commande", "quote": "Devis", "invoice": "facture",
        "corrects": "Corrige la", "customer_code": "Code client", "paid": "Déjà réglé", "period": "Période :",
        "vat_number": "N° TVA", "capital": "au capital de", "valid_until": "Valable jusqu'au",
        "your_ref": "Votre référence",
        "deposits_deducted": "Acomptes déduits : factures", "credit_note_for": "Avoir sur la facture",
        "payment_due": "Paiement à réception, au plus tard le", "on_validation": "à réception",
        "transfer_to": "Virement sur le compte", "penalties": "En cas de retard de paiement, pénalités au taux de",
        "ecb_rate": "trois fois le taux d'intérêt légal",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement : 40 € (art. L441-10 et D441-5 du Code de commerce).",
        "no_discount": "Pas d'escompte pour paiement anticipé.",
        "agreement": "Bon pour accord : date, signature et cachet.",
    },
    "en": {
        "draft": "DRAFT", "description": "Description", "qty": "Qty", "unit_price": "Unit price",
        "discount": "Discount", "vat": "VAT", "net": "Net", "vat_rate": "VAT rate", "base": "Base",
        "vat_amount": "VAT", "total_net": "Total excl. VAT", "total_vat": "Total VAT", "total_gross": "Total incl. VAT",
        "date": "Date", "sale_date": "Date of supply", "due_date": "Due date", "order": "Order", "quote": "Quote", "invoice": "invoice",
        "corrects": "Corrects", "customer_code": "Customer code", "paid": "Already paid", "period": "Period:",
        "vat_number": "VAT no.", "capital": "capital", "valid_until": "Valid until", "your_ref": "Your reference",
        "deposits_deducted": "Deposits deducted: invoices", "credit_note_for": "Credit note for invoice",
        "payment_due": "Payment due on", "on_validation": "receipt",
        "transfer_to": "Bank transfer to", "penalties": "Late payment penalties at the rate of",
        "ecb_rate": "three times the French legal interest rate",
        "indemnity": "Fixed recovery indemnity: EUR 40 (French Commercial Code, art. L441-10, D441-5).",
        "no_discount": "No discount for early payment.",
        "agreement": "Accepted: date, signature and stamp.",
    },
}

TITLES_EN = {"Devis": "Quote", "Commande": "Order", "Facture": "Invoice", "Facture d'acompte": "Deposit invoice",
             "Facture intermédiaire": "Interim invoice", "Facture de solde": "Final invoice",
             "Avoir": "Credit note"}
