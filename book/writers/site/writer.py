"""The web edition as a writer of the writer table: ``ohwb-book site`` makes ``dist/site/``.

What it writes with is imported when it writes (as the other writers' modules do): the table is
read by every build's command line, before pandoc is given its sources."""
from __future__ import annotations

from typing import TYPE_CHECKING

from book.writers.registry import Writer, register
from book.writers.site import paths

if TYPE_CHECKING:
    from book.writers.markup.imagestore import ImageStore
    from book.writers.site import pages


class SiteWriter(Writer):
    name = "site"
    help = "the web edition: an accessible static website of the case studies, in site/"
    default = True
    places = (paths.ROOT,)
    write_step = "writing the web edition"
    chapter_documents = "remade"        # the pages' own texts: made in the jobs beside the chapters' typesetting

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative.replace("\\", "/").startswith(paths.ROOT + "/")

    def write(self) -> dict[str, bytes]:
        from book.writers.markup.imagestore import ImageStore
        from book.writers.site import assets, pages, search
        from book.writers.site.templates import Shell

        given = self.given
        pub = given.publication
        self.images = ImageStore()
        edition = pub.edition
        shell = Shell(edition.title, edition.subtitle, edition.publisher, edition.rights, edition.language)
        site = paths.SiteMap.of(pub)
        ctx = pages.Context(pub, site, shell, self.image_path, given.page_map)
        own, words_of = self.chapter_texts(ctx)
        files = dict([pages.home(ctx), pages.organisation_list(ctx), pages.region_list(ctx), pages.theme_list(ctx),
                      pages.search_page(ctx, (search.INDEX, search.SCRIPT))])
        studies = pub.case_studies
        for n, chapter in enumerate(studies):
            files.update([pages.case_study(ctx, chapter, own[chapter.id], studies[n - 1] if n else None,
                                           studies[n + 1] if n + 1 < len(studies) else None)])
        files.update(pages.front_page(ctx, chapter, own[chapter.id]) for chapter in pub.front)
        files.update(pages.organisation(ctx, summary) for summary in pub.summaries())
        files.update(pages.region(ctx, name) for name in site.regions)
        files.update(pages.theme(ctx, entry) for entry in pub.theme_index)
        files[search.INDEX] = search.index_script(pub, site, words_of)
        files[search.SCRIPT] = assets.static("search.js")
        files[f"{assets.ASSETS}/style.css"] = assets.stylesheet(given.style)
        files.update(assets.font_files(given.style))
        files.update({f"{paths.ROOT}/{name}": data for name, (data, _mime) in self.images.files.items()})
        return dict(sorted(files.items()))

    def image_path(self, src: str) -> str | None:
        return _image_path(self.images, src)

    @classmethod
    def chapter_document(cls, chapter, publication, cuts, scratch) -> tuple[str, set[str]]:
        """In a job, while the chapter's text is at hand: its own part of its page, and its words
        for the search (as ``chapter_texts`` keeps them in the cache)."""
        from book.writers.markup.imagestore import ImageStore
        from book.writers.site import pages

        if "site" not in scratch:
            scratch["site"] = paths.SiteMap.of(publication)
        images = ImageStore()
        return _own_text(pages.Context(publication, scratch["site"], None, lambda src: _image_path(images, src)), chapter)

    def chapter_texts(self, ctx: pages.Context) -> tuple[dict[str, str], dict[str, set[str]]]:
        """Each chapter's own markup and (for a case study) its words for the search, from the
        build cache where it holds them for the chapter as it is (its fingerprint: its source,
        its entry in the index, its images), so that a rebuild reads and renders only the
        chapters that changed; the pictures they show are copied all the same."""
        from book.core.cache import digest
        from book.writers.markup import html

        chapters, cache = ctx.publication.chapters, self.given.cache
        keys = {c.id: digest("site-chapter", c.fingerprint, ctx.site.chapter(c.id)) for c in chapters if c.fingerprint}
        from_jobs = self.given.per_chapter.get(self.name, {})
        wanted = {cid: key for cid, key in keys.items() if cid not in from_jobs}
        found = dict(zip(wanted, cache.load("site", list(wanted.values())))) if cache is not None and wanted else {}
        own, words_of, made = {}, {}, {}
        for chapter in chapters:
            known = found.get(chapter.id) or from_jobs.get(chapter.id)
            if known is not None:
                own[chapter.id], words_of[chapter.id] = known
                for src, _alt in html.pictures(chapter):
                    self.image_path(src)
            else:
                own[chapter.id], words_of[chapter.id] = _own_text(ctx, chapter)
            if chapter.id in keys and found.get(chapter.id) is None:
                made[keys[chapter.id]] = (own[chapter.id], words_of[chapter.id])
        if cache is not None and made:
            cache.store("site", made)
        self.remade["web pages rendered"] = len(made) if cache is not None else len(chapters)
        return own, words_of


def _image_path(images: ImageStore, src: str) -> str | None:
    name = images.href(src)
    return f"{paths.ROOT}/{name}" if name else None


def _own_text(ctx: pages.Context, chapter) -> tuple[str, set[str]]:
    from book.writers.site import pages, search

    words = search.words(search.case_text(chapter)) if chapter.case_study is not None else set()
    return pages.chapter_text(ctx, chapter), words


register(SiteWriter)
