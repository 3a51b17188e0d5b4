"""Proposals like the one being written, as the question pages show them while a resident types: among proposals of
many subjects sharing common words, a near duplicate comes first, in English and in Bengali, on SQLite (the
embedded default, FTS5) and on PostgreSQL (its full-text search). A search of the list in Bengali finds by its
words too."""

from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from support import DATABASE_URL, need

from engage.accounts import services as accounts
from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import services as proposals

# Each pair: two residents' proposals of the same idea in their own words (title, problem).
PAIRS = [
    (
        ("Warm spaces for older people in winter", "Many older people sit alone in cold homes to save on heating."),
        ("Warm spaces in winter", "Heating costs too much, so people need somewhere warm to go in the day."),
    ),
    (
        ("Fix the potholes on Roman Road", "The potholes outside the market have grown since last year."),
        ("Potholes on Roman Road are dangerous for cyclists", "I came off my bike in a pothole near the market."),
    ),
    (
        ("Free swimming lessons for children", "Many children in the borough leave primary school unable to swim."),
        ("Swimming lessons for kids should be free", "Lessons at the leisure centre cost too much for families."),
    ),
    (
        ("More recycling bins on our estate", "The bins on the estate overflow every weekend."),
        ("Recycling bins for the Ocean Estate", "Nowhere to recycle on our estate, so it all goes in the bin."),
    ),
    (
        ("Zebra crossing outside Stepney Green school", "Children cross a busy road to get to school."),
        ("A safe crossing by the school in Stepney Green", "Cars speed past the school gates at home time."),
    ),
    (
        ("Plant more street trees on Mile End Road", "The road is hot and grey in summer with no shade."),
        ("Street trees for Mile End Road", "Trees would clean the air and give shade on Mile End Road."),
    ),
    (
        ("বয়স্কদের জন্য শীতকালে উষ্ণ জায়গা", "অনেক বয়স্ক মানুষ গরম করার খরচ বাঁচাতে ঠান্ডা ঘরে একা বসে থাকেন।"),
        ("শীতকালে উষ্ণ জায়গা চাই", "গরম করার খরচ অনেক বেশি, তাই দিনের বেলা যাওয়ার মতো একটি উষ্ণ জায়গা দরকার।"),
    ),
    (
        ("মসজিদের কাছে রাস্তায় আলো", "রাতে মসজিদ থেকে ফেরার পথ অন্ধকার এবং অনিরাপদ।"),
        ("মসজিদের রাস্তায় আরও আলো দরকার", "মসজিদের পাশের রাস্তা রাতে খুব অন্ধকার থাকে।"),
    ),
]
# Others, of many subjects, sharing the pairs' common words (people, winter, road, school, children, estate...).
OTHERS = [
    ("Careers fair for young people in Poplar", "Young people in the borough do not know what jobs there are."),
    ("Careers advice for older people returning to work", "Older people find it hard to get back into work."),
    ("Winter coats for families in need", "Some children come to school in winter without a coat."),
    ("A lunch club for older people", "Older people living alone would like to eat with others."),
    ("Youth club open on winter evenings", "Young people have nowhere to go on dark winter evenings."),
    ("Cycle lanes on Commercial Road", "People on bikes share the road with lorries."),
    ("Free school meals in the holidays", "Children go hungry when school is out."),
    ("Parking on Roman Road on market days", "People park on the pavement when the market is on."),
    ("A community garden on the estate", "People on our estate have no garden and want to grow food."),
    ("Repair the lifts in the tower blocks", "Older people are stuck at home when the lift breaks."),
    ("English classes for parents", "Parents want to help their children with school work in English."),
    ("Cleaner air near schools", "Children breathe traffic fumes on the way to school."),
    ("Better buses to the Royal London Hospital", "People wait a long time for a bus to the hospital."),
    ("Stop dog fouling in the parks", "People do not pick up after their dogs in the park."),
    ("Spaces for young people to play football", "There are not enough pitches in the borough for young people."),
    ("শিশুদের জন্য বাংলা ভাষার ক্লাস", "অনেক শিশু বাড়িতে বাংলা বলে কিন্তু পড়তে পারে না।"),
    ("পার্কে শিশুদের খেলার জায়গা", "আমাদের এলাকার পার্কে শিশুদের খেলার জন্য কোনো জায়গা নেই।"),
    ("বয়স্কদের জন্য বিনামূল্যে স্বাস্থ্য পরীক্ষা", "অনেক বয়স্ক মানুষ ডাক্তারের কাছে যেতে পারেন না।"),
    ("রাস্তার গর্ত মেরামত করুন", "রাস্তায় অনেক গর্ত, বৃষ্টির পর পানি জমে থাকে।"),
    ("মহিলাদের জন্য সাঁতারের সময়", "মহিলারা আলাদা সময়ে সাঁতার কাটতে চান।"),
    ("Warm welcome packs for new residents", "New residents do not know where to find help in the borough."),
    ("More benches in Victoria Park", "Older people need somewhere to rest on a walk in the park."),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, app, app_with, tmp_path):
    """An app on each database: SQLite made afresh by the migrations, or the suite's PostgreSQL."""
    if request.param == "postgresql":
        need("database", DATABASE_URL)
        return app
    embedded = app_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'similar.db'}")
    with embedded.app_context():
        upgrade()
        partnership.seed()
        db.session.commit()
    return embedded


def publish(title: str, problem: str, author) -> int:
    proposal = proposals.start_draft(author)
    proposals.edit(proposal, author, title=title, problem=problem, idea="See above.", who_it_helps="Residents")
    proposals.choose_calls_to_action(proposal, author, [1])
    proposals.submit(proposal, author)
    return proposal.id


def similar(client, typed: str, exclude: int) -> list[str]:
    """The titles the question page would show, best first, for what has been typed (as its script asks)."""
    response = client.get(f"/proposals/similar?{urlencode({'q': typed, 'exclude': exclude})}")
    assert response.status_code == 200
    return [found["title"] for found in response.get_json()["proposals"]]


def test_a_near_duplicate_comes_first_on_each_database(database):
    with database.app_context():
        author = accounts.register("Rahima Begum", "rahima@example.org", "x" * 12, ["lives"], "en", True)
        ids = {}
        for pair in PAIRS:
            for title, problem in pair:
                ids[title] = publish(title, problem, author)
        for title, problem in OTHERS:
            publish(title, problem, author)
        db.session.commit()
    client = database.test_client()
    for pair in PAIRS:
        for (title, problem), (other, _) in (pair, pair[::-1]):
            assert similar(client, title, ids[title])[:1] == [other], title
            assert similar(client, f"{title} {problem}", ids[title])[:1] == [other], f"{title} {problem}"
    listed = client.get(f"/proposals/?{urlencode({'q': 'উষ্ণ জায়গা'})}").get_data(as_text=True)
    assert "শীতকালে উষ্ণ জায়গা চাই" in listed and "মসজিদের কাছে রাস্তায় আলো" not in listed  # Bengali words are words
