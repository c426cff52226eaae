"""Reading an issue folder and importing raw text; all validation of user input lives here."""
