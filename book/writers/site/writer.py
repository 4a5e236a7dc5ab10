"""The web edition as a writer of the writer table: ``ohwb-book site`` makes ``dist/site/``."""
from __future__ import annotations

from book.writers.epub.epub import ImageStore
from book.writers.registry import Writer, register
from book.writers.site import assets, pages, paths, search
from book.writers.site.templates import Shell


class SiteWriter(Writer):
    name = "site"
    help = "the web edition: an accessible static website of the case studies, in site/"
    default = True
    write_step = "writing the web edition"

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative.replace("\\", "/").startswith(paths.ROOT + "/")

    def write(self) -> dict[str, bytes]:
        given = self.given
        pub = given.publication
        images = ImageStore()
        edition = pub.edition
        shell = Shell(edition.title, edition.subtitle, edition.publisher, edition.rights, edition.language)
        site = paths.SiteMap.of(pub)

        def image_path(src: str) -> str | None:
            name = images.href(src)
            return f"{paths.ROOT}/{name}" if name else None

        ctx = pages.Context(pub, site, shell, image_path, given.page_map)
        files = dict([pages.home(ctx), pages.organisation_list(ctx), pages.region_list(ctx), pages.theme_list(ctx),
                      pages.search_page(ctx, (search.INDEX, search.SCRIPT))])
        studies = pub.case_studies
        for n, chapter in enumerate(studies):
            files.update([pages.case_study(ctx, chapter, studies[n - 1] if n else None,
                                           studies[n + 1] if n + 1 < len(studies) else None)])
        files.update(pages.front_page(ctx, chapter) for chapter in pub.front)
        files.update(pages.organisation(ctx, summary) for summary in pub.summaries())
        files.update(pages.region(ctx, name) for name in site.regions)
        files.update(pages.theme(ctx, entry) for entry in pub.theme_index)
        files[search.INDEX] = search.index_script(pub, site)
        files[search.SCRIPT] = assets.static("search.js")
        files[f"{assets.ASSETS}/style.css"] = assets.stylesheet(given.style)
        files.update(assets.font_files(given.style))
        files.update({f"{paths.ROOT}/{name}": data for name, (data, _mime) in images.files.items()})
        return dict(sorted(files.items()))


register(SiteWriter)
