from tickets.models import Ticket


def test_smoke(api_alice, ticket):
    r = api_alice.get("/api/v1/tickets/")
    assert r.status_code == 200, r.content
    assert [t["reference"] for t in r.json()["results"]] == [ticket.reference]
    r = api_alice.get(f"/api/v1/tickets/{ticket.reference}/")
    assert r.status_code == 200, r.content
    r = api_alice.post(f"/api/v1/tickets/{ticket.reference}/notes/", {"body": "hi"}, format="json")
    assert r.status_code == 201, r.content
    r = api_alice.post(
        "/api/v1/tickets/",
        {"name": "Dana", "email": "d@example.com", "kind": "problem", "subject": "S", "description": "D"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert Ticket.objects.count() == 2
