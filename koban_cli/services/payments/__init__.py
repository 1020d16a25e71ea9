"""Getting paid: reminders and their letters, statements of account, credit notes applied."""
