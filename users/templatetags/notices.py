from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def notice_body(text: str):
    """A notice's text as HTML: blocks separated by a blank line; '## ' starts a heading."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    parts = []
    for block in filter(None, blocks):
        if block.startswith("## "):
            parts.append(("h2", "h4", block[3:].strip()))
        else:
            parts.append(("p", "", " ".join(block.split())))
    return format_html_join(
        "\n",
        "{}",
        (
            (format_html('<{0} class="{1}">{2}</{0}>', tag, css, content),)
            for tag, css, content in parts
        ),
    )
