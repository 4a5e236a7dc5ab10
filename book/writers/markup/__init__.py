"""The document model as sanitised XHTML: what the EPUB and the web edition share (every text
escaped, every link checked, every picture stored once by its content). Neither output imports
the other; both import this."""
