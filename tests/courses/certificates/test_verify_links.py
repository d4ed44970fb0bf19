"""The verification form is reachable (issue 17.7): linked from the sign-in page and every page's
footer, and a printed address typed with its slash (/verify/) is the form, not a 404."""


def test_the_verification_form_is_linked_and_found(app, client):
    login = client.get("/login").get_data(as_text=True)
    assert login.count('href="/verify"') >= 2  # on the sign-in page and in the footer
    assert client.get("/verify/").status_code == 200 and client.get("/verify").status_code == 200
