"""Photos and scanned letters on a case: the upload form, the files, their thumbnails, REST."""
