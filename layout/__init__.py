"""layout: lays out a Chinese newspaper issue as PDF/X pages and an EPUB."""

import os

__version__ = "0.1.0"

# fontconfig orders a font's family names by the process's language (FC_LANG, else LC_ALL/LC_CTYPE/
# LANG), and WeasyPrint names the PDF font after the first: under zh_CN the Kai face would become
# 霞鹜文楷 instead of LXGW-WenKai, changing the bytes of every PDF. The outputs must not depend on who
# runs the build, so fontconfig's language is fixed before anything loads fontconfig (subprocesses
# such as fc-match and the page renderers inherit it). Matching itself is unaffected: the painter
# declares lang="zh-CN" on the pages.
os.environ["FC_LANG"] = "en"
