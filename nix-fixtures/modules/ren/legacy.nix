{ services.web.legacy = true; }
