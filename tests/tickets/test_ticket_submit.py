import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.links import link_matches
from tickets.models import Customer, Message, OutboundEmail, Ticket, TicketEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "kind": Ticket.Kind.PROBLEM,
        "subject": "Invoice PDF won't open",
        "description": "Clicking the invoice shows a blank page.",
    }
    return services.ticket_submit(**{**data, **overrides})


def counts():
    return (Customer.objects.count(), Ticket.objects.count(), Message.objects.count(), OutboundEmail.objects.count())


@pytest.mark.django_db
def test_submit_writes_customer_ticket_message_event_and_outbox(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        submitted = submit()
    ticket = submitted.ticket
    assert ticket.status == Ticket.Status.NEW
    assert ticket.queue == desk.queue_a  # the default queue
    assert ticket.reference == f"HD-{ticket.pk + 1000}"
    assert ticket.messages.get().body == "Clicking the invoice shows a blank page."
    assert list(ticket.events.values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.PROMISE_MADE,  # the first response, from the default problem policy
    ]
    email = OutboundEmail.objects.get()
    assert (email.key, email.kind, email.to_email) == (f"ack:{ticket.pk}", "ack", "grace@example.com")
    assert len(callbacks) == 1  # the send task is queued only after commit


@pytest.mark.django_db
def test_the_token_is_not_stored_but_matches_its_hash(desk):
    submitted = submit()
    ticket = Ticket.objects.get(pk=submitted.ticket.pk)
    assert len(submitted.token) >= 40
    assert submitted.token not in (ticket.link_salt, ticket.link_hash)
    assert link_matches(ticket, submitted.token)
    assert not link_matches(ticket, submitted.token[:-1] + "x")


@pytest.mark.django_db
def test_customer_found_by_email_whatever_its_case(desk):
    submit(email="Grace@Example.com")
    submit(email="grace@example.COM", name="G. Hopper")
    assert Customer.objects.count() == 1
    assert Customer.objects.get().tickets.count() == 2


@pytest.mark.django_db
def test_complaints_start_at_high_priority(desk):
    assert submit(kind=Ticket.Kind.COMPLAINT).ticket.priority == Ticket.Priority.HIGH
    assert submit(kind=Ticket.Kind.INFO).ticket.priority == Ticket.Priority.NORMAL


@pytest.mark.django_db
def test_same_submission_key_returns_the_first_ticket(desk):
    first = submit(submission_key="k-1")
    again = submit(submission_key="k-1")
    assert again.duplicate and again.ticket.pk == first.ticket.pk
    assert again.token == first.token
    assert Ticket.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "  "),
        ("email", "not-an-email"),
        ("kind", "praise"),
        ("subject", ""),
        ("subject", "x" * 10_000),
        ("description", ""),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(desk, field, value):
    before = counts()
    with pytest.raises(ValidationError) as error:
        submit(**{field: value})
    assert field in error.value.message_dict
    assert counts() == before


@pytest.mark.django_db
def test_attachments_are_saved_with_a_safe_name(desk):
    upload = SimpleUploadedFile("../../etc/screen shot.png", PNG, content_type="image/png")
    ticket = submit(files=[upload]).ticket
    attachment = ticket.attachments.get()
    assert attachment.filename == "screen shot.png"
    assert attachment.content_type == "image/png"
    assert "screen" not in attachment.file.name  # stored under a random key


@pytest.mark.django_db
def test_a_forbidden_attachment_rolls_back_everything(desk):
    before = counts()
    bad = SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match=r"setup\.exe"):
        submit(files=[bad])
    assert counts() == before


@pytest.mark.django_db
def test_the_whole_text_is_kept_beside_a_trimmed_description_and_only_when_it_differs(desk):
    whole = "Clicking the invoice shows a blank page.\n\n> On Monday, Support wrote:\n> Which invoice?"
    kept = submit(full_description=whole).ticket.messages.get()
    assert (kept.body, kept.full_body) == ("Clicking the invoice shows a blank page.", whole)
    same = submit(full_description="  Clicking the invoice shows a blank page.\n", email="b@example.com")
    assert same.ticket.messages.get().full_body == ""


@pytest.mark.django_db
def test_a_whole_text_over_the_limit_is_refused_and_nothing_is_written(desk):
    with pytest.raises(ValidationError, match="longer than 200000 characters"):
        submit(full_description="x" * 200_001)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_complaint_lands_in_the_complaints_queue_and_goes_to_its_lead(desk):
    desk.queue_b.takes_complaints = True
    desk.queue_b.team_lead = desk.agent_b
    desk.queue_b.save()
    complaint = submit(kind=Ticket.Kind.COMPLAINT, queue=desk.queue_a).ticket  # e.g. a Billing mailbox
    problem = submit(kind=Ticket.Kind.PROBLEM, queue=desk.queue_a).ticket
    assert (complaint.queue, complaint.assignee) == (desk.queue_b, desk.agent_b)
    assert (problem.queue, problem.assignee) == (desk.queue_a, None)
    assigned = complaint.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert (assigned.actor, assigned.new_value) == (None, "Bob Builder")


@pytest.mark.django_db
@pytest.mark.parametrize("why", ["inactive", "not in the queue"])
def test_a_lead_who_cannot_take_it_leaves_it_to_the_queue(desk, why):
    desk.queue_b.takes_complaints = True
    desk.queue_b.team_lead = desk.agent_b
    desk.queue_b.save()
    if why == "inactive":
        desk.agent_b.is_active = False
        desk.agent_b.save()
    else:
        desk.queue_b.agents.remove(desk.agent_b)
    complaint = submit(kind=Ticket.Kind.COMPLAINT).ticket
    assert (complaint.queue, complaint.assignee) == (desk.queue_b, None)
