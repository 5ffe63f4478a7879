"""Secrets Manager rotation for the apps' ElastiCache RBAC user (secret JSON: username, password).

An ElastiCache user holds up to two passwords. Each rotation sets the user's passwords to [current, new]
(dropping the one before), so instances that have not yet re-read the secret (render-env runs hourly) keep
connecting while the new password spreads: no downtime, and no password outlives two rotations.
"""
import json
import os

import boto3

secrets = boto3.client("secretsmanager")
elasticache = boto3.client("elasticache")


def handler(event, _context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    stages = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
    if token not in stages:
        raise ValueError(f"{token} is not a version of {arn}")
    if "AWSCURRENT" in stages[token]:
        return
    if "AWSPENDING" not in stages[token]:
        raise ValueError(f"{token} of {arn} is not pending rotation")

    if step == "createSecret":
        create(arn, token)
    elif step == "setSecret":
        current = value(arn, stage="AWSCURRENT")
        pending = value(arn, stage="AWSPENDING", version=token)
        elasticache.modify_user(
            UserId=os.environ["USER_ID"],
            AuthenticationMode={"Type": "password", "Passwords": [current["password"], pending["password"]]},
        )
    elif step == "testSecret":
        # ElastiCache accepted the password above; the cache is reachable only from the app subnets, whose
        # readiness checks fail loudly if it does not work.
        pass
    elif step == "finishSecret":
        for version, labels in stages.items():
            if "AWSCURRENT" in labels and version != token:
                secrets.update_secret_version_stage(
                    SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=version
                )
    else:
        raise ValueError(f"unknown rotation step {step}")


def create(arn, token):
    try:
        value(arn, stage="AWSPENDING", version=token)
        return
    except secrets.exceptions.ResourceNotFoundException:
        pass
    current = value(arn, stage="AWSCURRENT")
    # ElastiCache passwords allow 16-128 printable characters except @, " and /.
    password = secrets.get_random_password(PasswordLength=64, ExcludePunctuation=True)["RandomPassword"]
    secrets.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps({**current, "password": password}),
        VersionStages=["AWSPENDING"],
    )


def value(arn, stage, version=None):
    args = {"SecretId": arn, "VersionStage": stage}
    if version:
        args["VersionId"] = version
    return json.loads(secrets.get_secret_value(**args)["SecretString"])
