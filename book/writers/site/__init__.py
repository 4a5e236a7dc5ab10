"""The web edition (``dist/site/``): the case studies as a static, accessible website made from the
same model and house style as the compendium, its EPUB and the one-pagers.

- ``paths``: every page's address, and links between them as relative paths (so the site works
  from ``file://`` and from any static host, in any folder)
- ``templates``: the page shell (landmarks, skip link, navigation) and the shared pieces
- ``pages``: each kind of page (home, case study, organisation, region, theme, lists, search)
- ``assets``: the style sheet (the EPUB's, from the house style, plus the site's layout), the
  fonts and the images
- ``search``: the prebuilt search index read by the shipped ``static/search.js``
- ``writer``: the ``SiteWriter`` the writer table runs
"""
