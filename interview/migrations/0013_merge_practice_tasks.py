from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0012_practice_today_mode"),
        ("interview", "0012_tasks_import_jobs_and_reminders"),
    ]

    operations = []
