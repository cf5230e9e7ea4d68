"""The invoices screen: the invoice list, the invoice editor, payments and emails."""
