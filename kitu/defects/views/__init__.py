"""Views of the defect reporter: public pages (no account), the case workers' pages, the town's setup."""
