from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0012_mentor_assignment_reminder"),
        ("interview", "0013_merge_practice_tasks"),
    ]

    operations = []
