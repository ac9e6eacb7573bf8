"""Receipt printers: ESC/POS thermal printers and PDF documents."""
