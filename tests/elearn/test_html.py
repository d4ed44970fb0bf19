import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.html import html_to_text, plain_to_html, sanitize_html

PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg onload=alert(1)><circle/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',
    '<div onclick="alert(1)">x</div>',
    '<<script>script>alert(1)<</script>/script>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form action="https://evil.example"><input name=p></form>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_live_script_survives(payload):
    out = sanitize_html(payload).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "data:", "<svg", "<iframe",
                "style=", "<form", "<input"):
        assert bad not in out, (payload, out)


def test_allowed_structure_survives():
    html = ('<h2>Bài 1</h2><p><strong>Tư tưởng</strong> <em>Hồ Chí Minh</em></p><ul><li>một</li></ul>'
            '<table><tr><td colspan="2">ô</td></tr></table><a href="https://example.vn" title="t">liên kết</a>'
            '<img src="https://example.vn/a.png" alt="ảnh">')
    out = sanitize_html(html)
    for kept in ("<h2>", "<strong>", "<em>", "<ul>", "<td colspan=\"2\">", 'href="https://example.vn"', "<img"):
        assert kept in out


def test_word_paste_comes_out_clean():
    word = ('<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->'
            '<style>p.MsoNormal{margin:0}</style><p class="MsoNormal" style="mso-line-height:1"><o:p></o:p>'
            '<span lang="VI" style="font-size:13pt">Nội dung</span></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
    out = sanitize_html(word)
    assert out == '<p><span>Nội dung</span></p>'


def test_a_word_table_keeps_its_rows_and_cells():
    """Issue 17.10: a table pasted from Word (or written in the HTML box) keeps its structure;
    Word's classes, widths and styles go."""
    word = ('<table class="MsoTableGrid" border="1" cellspacing="0" style="border-collapse:collapse">'
            '<thead><tr style="mso-yfti-irow:0"><th width="120" valign="top" style="width:90pt" scope="col">'
            '<p class="MsoNormal"><b>Năm<o:p></o:p></b></p></th><th scope="col">Sự kiện</th></tr></thead>'
            '<tbody><tr><td width="120" valign="top"><p class="MsoNormal">1930<o:p></o:p></p></td>'
            '<td data-row="row-ab12">Thành lập Đảng</td></tr></tbody></table>')
    assert sanitize_html(word) == (
        '<table><thead><tr><th scope="col"><p><b>Năm</b></p></th><th scope="col">Sự kiện</th></tr></thead>'
        '<tbody><tr><td><p>1930</p></td><td>Thành lập Đảng</td></tr></tbody></table>')


def test_plain_text_helpers():
    assert plain_to_html("a <b>\n\nc") == "<p>a &lt;b&gt;</p><p>c</p>"
    assert html_to_text("<p>Xin <b>chào</b></p>") == "Xin chào"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters() | st.sampled_from(list("> \n\r\t\x0c\"'=\u00a0\u2028\ufeffĐươ")),
               max_size=40))
def test_plain_text_fast_path_equals_the_parser(value):
    from elearn.html import _sanitize_parsed, _text_parsed

    assert sanitize_html(value) == (_sanitize_parsed(value) if value else "")
    assert html_to_text(value) == _text_parsed(value)
